"""智能审核: rule checks over an application's form, and 秒办 when an instant item passes them all.

A check is data, never code: a mapping written on a catalogue item (`checks:` in
`packs/catalogue.yaml`, stored in `ServiceItem.checks`) with a `key`, a Chinese `label`, a
`kind`, the `field` it looks at, and the parameters of its kind (see `KINDS` and
`docs/PACK_FORMAT.md`). `check_normalize` is the one validator: the pack reader calls it with the
item's fields and turns its problems into file:line messages; the evaluator calls it again
without fields, so a rule broken later (an edit in the admin) fails its check with a clear detail
instead of crashing or passing.
"""

from kuaiban.cases.checks.kinds import KINDS
from kuaiban.cases.checks.retirement import contribution_months_required
from kuaiban.cases.checks.review import (
    AUTO_APPROVAL_NOTE,
    auto_review,
    check_holds,
    check_results_of,
    evaluate_checks,
)
from kuaiban.cases.checks.validate import check_normalize

__all__ = [
    "AUTO_APPROVAL_NOTE",
    "KINDS",
    "auto_review",
    "check_holds",
    "check_normalize",
    "check_results_of",
    "contribution_months_required",
    "evaluate_checks",
]
