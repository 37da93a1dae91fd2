"""What a submission carries, independent of where it came from (web form, API, window)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from kuaiban.applications.models import Channel, Provision


@dataclass
class MaterialChoice:
    provide: Provision
    upload: UploadedFile | None = None


@dataclass
class ApplicantInput:
    """Who the application is for. Applicants are themselves; a clerk names the walk-in."""

    id_number: str = ""
    credit_code: str = ""
    name: str = ""
    phone: str = ""


@dataclass
class SubmissionInput:
    pack: str
    bundle: str
    scenario: str
    channel: Channel
    items: list[str] = field(default_factory=list)
    answers: dict[str, bool] = field(default_factory=dict)
    applicant: ApplicantInput = field(default_factory=ApplicantInput)
    form: dict[str, Any] = field(default_factory=dict)
    materials: dict[str, MaterialChoice] = field(default_factory=dict)
    credit_commitment: bool = False
    # Channel `proactive` only: materials the bureau holds itself (a rule's `materials_held`).
    held_materials: tuple[str, ...] = ()
    # What the receiving clerk records about where it was taken (上门办: at the person's home).
    note: str = ""
    # 上门办: the clerk's scheduled home visit this application is taken on (window channel).
    home_visit: int | None = None
    # 跨省通办 / 全省通办: the 办理地's region code when it is not where the application is received.
    handling_region: str = ""

    def fingerprint(self) -> str:
        """A digest of the request, to tell a retry from a different request with the same key."""
        files = {}
        for code, choice in sorted(self.materials.items()):
            digest = ""
            if choice.upload is not None:
                sha = hashlib.sha256()
                for chunk in choice.upload.chunks():
                    sha.update(chunk)
                choice.upload.seek(0)
                digest = sha.hexdigest()
            files[code] = [str(choice.provide), digest]
        payload = {
            "pack": self.pack,
            "bundle": self.bundle,
            "scenario": self.scenario,
            "channel": str(self.channel),
            "items": sorted(self.items),
            "answers": self.answers,
            "applicant": self.applicant.__dict__,
            "form": self.form,
            "materials": files,
            "credit": self.credit_commitment,
            "handling_region": self.handling_region,
            "home_visit": self.home_visit,
        }
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()
