"""Renderers: turn a :class:`~surveykit.result.Result` into text or files. They never compute."""
