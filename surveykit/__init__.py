"""surveykit: questionnaires in YAML, exported responses in, SPSS-quality tables and tests out."""

__version__ = "0.1.0"
