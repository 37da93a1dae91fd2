"""智能审核 rules: checks over an application's form (秒办 on a sub-case: `kuaiban/cases/review.py`).

A check is data, never code: a mapping written on a catalogue item (`checks:` in
`packs/catalogue.yaml`, stored in `ServiceItem.checks`) with a `key`, a Chinese `label`, a
`kind`, the `field` it looks at, and the parameters of its kind (see `KINDS` and
`docs/PACK_FORMAT.md`). `check_normalize` is the one validator: the pack reader calls it with the
item's fields and turns its problems into file:line messages; the evaluator calls it again
without fields, so a rule broken later (an edit in the admin) fails its check with a clear detail
instead of crashing or passing.
"""

from kuaiban.catalogue.checks.evaluate import check_holds, evaluate_checks
from kuaiban.catalogue.checks.kinds import KINDS, months_back
from kuaiban.catalogue.checks.retirement import contribution_months_required, retirement_due_month
from kuaiban.catalogue.checks.validate import check_normalize

__all__ = [
    "KINDS",
    "check_holds",
    "check_normalize",
    "contribution_months_required",
    "evaluate_checks",
    "months_back",
    "retirement_due_month",
]
