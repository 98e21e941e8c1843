"""A contract's service-level definition and the two ratios it governs.

Vendors and clients argue less about the numbers than about what they mean: is a call
abandoned after three seconds counted? Is the threshold 20 or 30 seconds? The contract
says (SPEC section 6, public fields on ``Contract``): ``service_level_threshold_seconds``
(default 20), ``abandon_treatment`` (``count_against`` default, ``exclude``,
``count_for``) and ``short_abandon_seconds`` (default 5). This module turns those three
fields into the numerator and denominator of the service level and the abandonment
rate, from counts that were SUMMED over the period first (never from averaged
percentages).

With s = short abandons (0 when the source did not say):

- ``count_against``: SL = answered in threshold ÷ (answered + abandoned − s)
- ``exclude``:       SL = answered in threshold ÷ answered
- ``count_for``:     SL = (answered in threshold + abandoned − s) ÷ (answered + abandoned − s)
- abandonment rate = (abandoned − s) ÷ (answered + abandoned − s), whatever the treatment.

Kept in the contracts app (the definition belongs to the contract) and free of any
scorecards import, so the contract page and the scoring read the same object.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models.contract import AbandonTreatment

DEFAULT_THRESHOLD_SECONDS = 20
DEFAULT_SHORT_ABANDON_SECONDS = 5


@dataclass(frozen=True)
class ServiceLevelDefinition:
    """How a contract defines its service level; ``source`` says where it came from:
    ``contract`` (with ``contract_reference``), ``default`` (no contract applies) or
    ``ambiguous`` (the defaults, because several contracts could apply)."""

    threshold_seconds: int = DEFAULT_THRESHOLD_SECONDS
    abandon_treatment: str = AbandonTreatment.COUNT_AGAINST
    short_abandon_seconds: int = DEFAULT_SHORT_ABANDON_SECONDS
    source: str = "default"
    contract_reference: str = ""

    @classmethod
    def of(cls, contract) -> ServiceLevelDefinition:
        """The definition ``contract`` states (a ``Contract`` or anything with its fields)."""
        return cls(
            threshold_seconds=contract.service_level_threshold_seconds,
            abandon_treatment=contract.abandon_treatment,
            short_abandon_seconds=contract.short_abandon_seconds,
            source="contract",
            contract_reference=contract.reference,
        )

    @property
    def label(self) -> str:
        """``80/20``-style shorthand is about targets; this is the rule, in words."""
        treatment = {
            AbandonTreatment.COUNT_AGAINST: "abandons count against",
            AbandonTreatment.EXCLUDE: "abandons left out",
            AbandonTreatment.COUNT_FOR: "abandons count as answered in time",
        }.get(self.abandon_treatment, self.abandon_treatment)
        short = (
            f"abandons within {self.short_abandon_seconds} s ignored"
            if self.short_abandon_seconds
            else "every abandon counts"
        )
        return f"answered within {self.threshold_seconds} s; {treatment}; {short}"

    @property
    def formula(self) -> str:
        """The service-level formula this definition applies, for pages and the README."""
        if self.abandon_treatment == AbandonTreatment.EXCLUDE:
            return "answered within threshold ÷ answered"
        if self.abandon_treatment == AbandonTreatment.COUNT_FOR:
            return (
                "(answered within threshold + abandoned − short abandons) ÷ "
                "(answered + abandoned − short abandons)"
            )
        return "answered within threshold ÷ (answered + abandoned − short abandons)"

    @property
    def where(self) -> str:
        """Which contract the definition is from, in words."""
        if self.source == "contract":
            return f"contract {self.contract_reference}"
        if self.source == "ambiguous":
            return (
                f"default definition: several active contracts ({self.contract_reference}) "
                "and the target names none"
            )
        return "default definition (no contract applies)"

    def service_level_counts(
        self,
        *,
        answered_in_threshold: float,
        answered: float,
        abandoned: float,
        short_abandoned: float | None,
    ) -> tuple[float, float]:
        """(numerator, denominator) of the service level from summed counts."""
        long_abandons = abandoned - (short_abandoned or 0)
        if self.abandon_treatment == AbandonTreatment.EXCLUDE:
            return answered_in_threshold, answered
        if self.abandon_treatment == AbandonTreatment.COUNT_FOR:
            return answered_in_threshold + long_abandons, answered + long_abandons
        return answered_in_threshold, answered + long_abandons

    @staticmethod
    def abandonment_counts(
        *, answered: float, abandoned: float, short_abandoned: float | None
    ) -> tuple[float, float]:
        """(numerator, denominator) of the abandonment rate: short abandons never count."""
        long_abandons = abandoned - (short_abandoned or 0)
        return long_abandons, answered + long_abandons


DEFAULT_DEFINITION = ServiceLevelDefinition()
