"""Security profiles and their answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from demo.base import Co, SeederBase, ascii_slug
from demo.catalogue import ANSWER_TEXTS
from demo.files import SAMPLE_EVIDENCE, SAMPLE_EVIDENCE_NAME
from traders.models import EvidenceFile, ProfileAnswer, SecurityProfile


class ProfileBuilder(SeederBase):
    """Security profiles, with answers and evidence for the companies with full profiles."""

    def _profile(self, co: Co, created: dt.datetime, submitted: dt.datetime | None) -> Any:
        profile = self._stamp(
            SecurityProfile(company=co.company, catalogue=self.catalogue, submitted_at=submitted),
            created,
            submitted,
        )
        if co.full:
            share = 1.0 if submitted else self.rng.uniform(0.3, 0.9)
            answers = self._answers(co, profile, created, submitted or created, share)
            if submitted:
                co.answers = answers
        return profile

    def _answers(
        self,
        co: Co,
        profile: SecurityProfile,
        start: dt.datetime,
        end: dt.datetime,
        share: float,
        copy_from: list[ProfileAnswer | None] | None = None,
    ) -> list[ProfileAnswer]:
        rng = self.rng
        NA = ProfileAnswer.Implementation.NOT_APPLICABLE
        span = max((end - start).total_seconds(), 60.0)
        answers = []
        sources = copy_from if copy_from is not None else [None] * len(self.requirements)
        for req, source in zip(self.requirements, sources, strict=True):
            if copy_from is not None and source is None:
                continue
            if share < 1.0 and rng.random() > share:
                continue
            if source is not None:
                impl, text = source.implementation, source.description
            else:
                impl = self._pick(self.w_impl)
                if impl == NA and req.is_mandatory:
                    impl = ProfileAnswer.Implementation.IMPLEMENTED
                text = (
                    ""
                    if impl == NA
                    else rng.choice(ANSWER_TEXTS[req.area.code]).format(n=req.order)
                )
            when = start + dt.timedelta(seconds=rng.uniform(0, span))
            author = rng.choice(co.users)
            answer = self._stamp(
                ProfileAnswer(
                    profile=profile,
                    requirement=req,
                    implementation=impl,
                    description=text,
                    updated_by=author,
                ),
                when,
            )
            answers.append(answer)
            if req.evidence_required and impl != NA:
                self.batch.add(
                    EvidenceFile(
                        answer=answer,
                        file=SAMPLE_EVIDENCE_NAME,
                        original_name=f"{req.code.lower()}-{ascii_slug(req.area.name_en)[:20]}.pdf",
                        content_type="application/pdf",
                        size=len(SAMPLE_EVIDENCE),
                        uploaded_by=author,
                        uploaded_at=when,
                    )
                )
        return answers

    def _align(self, answers: list[ProfileAnswer]) -> list[ProfileAnswer | None]:
        by_req = {a.requirement_id: a for a in answers}
        return [by_req.get(req.pk) for req in self.requirements]
