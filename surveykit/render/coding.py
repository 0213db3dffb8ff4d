"""Text and JSON for ``surveykit code agreement``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surveykit.coding.suggest import CodeAgreement


def _row(result: CodeAgreement) -> tuple[str, ...]:
    code = result.code or "All codes (pooled)"
    if result.kappa is None:
        return (code, str(result.units), f"{result.agreement:.1%}", "—", "—", "—")
    k = result.kappa
    ci = f"[{k.ci95[0]:.2f}, {k.ci95[1]:.2f}]"
    alpha = f"{result.alpha:.3f}" if result.alpha is not None else "—"
    return (code, str(result.units), f"{result.agreement:.1%}", f"{k.kappa:.3f}", ci, alpha)


def agreement_text(coders: list[str], results: list[CodeAgreement]) -> str:
    """A table of agreement per code, the pooled row last."""
    header = ("Code", "Units", "Agreement", "κ", "95% CI", "α")
    rows = [_row(r) for r in results]
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    out = [f"Agreement of {coders[0]} and {coders[1]} (unit: answer × code, present or absent)", ""]
    out += [line(header), "  ".join("─" * w for w in widths), *[line(r) for r in rows]]
    notes = [f"{r.code or 'pooled'}: {r.note}" for r in results if r.note]
    out += [
        "",
        "κ: Cohen's kappa with its 95% CI (Fleiss, Cohen & Everitt); α: Krippendorff's alpha (nominal).",
    ]
    out += [f"note: {n}" for n in notes]
    return "\n".join(out) + "\n"


def agreement_json(coders: list[str], results: list[CodeAgreement]) -> str:
    """The ``--format json`` document."""
    doc = {
        "kind": "coder_agreement",
        "coders": list(coders),
        "codes": [
            {
                "code": r.code,
                "units": r.units,
                "agreement": r.agreement,
                "kappa": None if r.kappa is None else r.kappa.kappa,
                "kappa_se": None if r.kappa is None else r.kappa.se,
                "kappa_ci95": None if r.kappa is None else list(r.kappa.ci95),
                "alpha": r.alpha,
                "note": r.note or None,
            }
            for r in results
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
