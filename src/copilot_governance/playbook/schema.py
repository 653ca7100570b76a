"""The retro playbook's typed schema (shared/playbooks/*.yml, the format support leads write).

`load_playbook(path)` reads a playbook and validates it; every problem is reported as one line that
names the YAML path and says what is expected, e.g.
`thresholds.by_intent.billing_refund.suggest_min_conf: 1.3 is not between 0 and 1`. Keys the schema
does not know are errors too (a typo must not silently configure nothing); sections the project only
carries (agenda, communication, links...) are kept as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from copilot_governance.playbook.conditions import RuleCondition, parse_condition


class PlaybookError(Exception):
    """A playbook that cannot be used: each line of the message names a YAML path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _unit_interval(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"{value} is not between 0 and 1")
    return value


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError(f"{value:g} is negative; expected 0 or more")
    return value


def _known_condition(value: str) -> str:
    parse_condition(value)  # ValueError naming the condition when it is not a known form
    return value


UnitInterval = Annotated[float, AfterValidator(_unit_interval)]
Condition = Annotated[str, AfterValidator(_known_condition)]
NonNegative = Annotated[float, AfterValidator(_non_negative)]
Slug = Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
RegionCode = Annotated[str, Field(min_length=1, pattern=r"^[A-Z][A-Z0-9]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pilot(Strict):
    queues: list[Slug] = Field(min_length=1)
    regions: list[RegionCode] = Field(min_length=1)
    channels: list[Slug] = Field(min_length=1)
    model_provider: str | None = None
    retrieval: str | None = None


class Telemetry(Strict):
    prompt_logging: bool = True
    data_residency: dict[RegionCode, str] = Field(default_factory=dict)
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 30
    pii_redaction: str | None = None
    confidence_score: str | None = None


class Baselines(Strict):
    """Per queue (or per intent, where the key is an intent)."""

    AHT_seconds: dict[Slug, NonNegative] = Field(default_factory=dict)
    CSAT: dict[Slug, Annotated[float, Field(ge=0, le=100)]] = Field(default_factory=dict)
    deflection_rate: dict[Slug, UnitInterval] = Field(default_factory=dict)
    escalation_rate: dict[Slug, UnitInterval] = Field(default_factory=dict)


class Targets(Strict):
    AHT_delta_pct: Annotated[float, Field(ge=-1, le=1)] | None = None
    CSAT_min: Annotated[float, Field(ge=0, le=100)] | None = None
    escalation_max: UnitInterval | None = None


class Slo(Strict):
    draft_latency_ms_p95: NonNegative | None = None
    coverage_pct: UnitInterval | None = None
    auto_suggest_accept_pct: UnitInterval | None = None


class Metrics(Strict):
    baselines: Baselines = Field(default_factory=Baselines)
    targets: Targets = Field(default_factory=Targets)
    slo: Slo = Field(default_factory=Slo)


class IntentThreshold(Strict):
    suggest_min_conf: UnitInterval
    require_human_review_below: UnitInterval

    @field_validator("require_human_review_below")
    @classmethod
    def _review_at_or_above_suggest(cls, value: float, info: Any) -> float:
        suggest = info.data.get("suggest_min_conf")
        if suggest is not None and value < suggest:
            raise ValueError(f"{value} is below suggest_min_conf {suggest}; expected a value at or above it")
        return value


class Trigger(Strict):
    name: str
    condition: Condition
    action: str


class Thresholds(Strict):
    by_intent: dict[Slug, IntentThreshold] = Field(default_factory=dict)
    anomaly_triggers: list[Trigger] = Field(default_factory=list)


class Rollbacks(Strict):
    conditions: list[Condition] = Field(default_factory=list)
    action: str | None = None


class ApprovalStep(Strict):
    step: str
    owner: str


class EvidenceSources(Strict):
    snowflake_tables: list[str] = Field(default_factory=list)
    exports: list[str] = Field(default_factory=list)
    slack_channel: Annotated[str, Field(pattern=r"^#[a-z0-9][a-z0-9_-]*$")] | None = None


class Artifacts(Strict):
    evidence_sources: EvidenceSources = Field(default_factory=EvidenceSources)


class Session(Strict):
    label: str
    duration_min: Annotated[int, Field(ge=1)] | None = None
    goals: list[str] = Field(default_factory=list)


class RetroCadence(Strict):
    sessions: list[Session] = Field(default_factory=list)


class TrainingUpdates(Strict):
    modules: list[str] = Field(default_factory=list)
    due_within_hours: Annotated[int, Field(ge=1)] | None = None


class Playbook(Strict):
    playbook: str = Field(min_length=1)
    version: str = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # `version: 1.5` unquoted is a YAML number: the version is its text
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    owners: dict[Slug, str] = Field(default_factory=dict)
    pilot: Pilot
    telemetry: Telemetry = Field(default_factory=Telemetry)
    metrics: Metrics = Field(default_factory=Metrics)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    retro_cadence: RetroCadence = Field(default_factory=RetroCadence)
    agenda: list[str] = Field(default_factory=list)
    approval_steps: list[ApprovalStep] = Field(default_factory=list)
    artifacts: Artifacts = Field(default_factory=Artifacts)
    rollbacks: Rollbacks = Field(default_factory=Rollbacks)
    training_updates: TrainingUpdates = Field(default_factory=TrainingUpdates)
    communication: dict[str, str] = Field(default_factory=dict)
    links: dict[str, str] = Field(default_factory=dict)

    @field_validator("approval_steps")
    @classmethod
    def _owners_are_roles(cls, steps: list[ApprovalStep], info: Any) -> list[ApprovalStep]:
        owners = info.data.get("owners") or {}
        for i, step in enumerate(steps):
            if owners and step.owner not in owners:
                roles = ", ".join(owners)
                raise ValueError(f"step [{i}] names owner {step.owner!r}, which is not a role of owners ({roles})")
        return steps

    def rule_conditions(self) -> list[tuple[str, RuleCondition]]:
        """Every condition the playbook sets (anomaly triggers, then rollback conditions), parsed.
        Two conditions for the same rule are an error: which one holds would be a guess."""
        found = [(t.condition, parse_condition(t.condition)) for t in self.thresholds.anomaly_triggers]
        found += [(c, parse_condition(c)) for c in self.rollbacks.conditions]
        seen: dict[str, str] = {}
        for text, rule in found:
            if rule.rule in seen:
                raise PlaybookError(
                    [f"conditions: {text!r} and {seen[rule.rule]!r} both configure rule {rule.rule}; keep one"]
                )
            seen[rule.rule] = text
        return found


def _path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part in ("function-after", "list", "dict", "str", "float", "int") or str(part).startswith(
            ("function-", "constrained-")
        ):
            continue
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(top level)"


def _message(error: dict[str, Any]) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return "is not a key this playbook format knows (a typo?)"
    if kind == "missing":
        return "is missing"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{value} is outside the allowed range ({error['msg'].lower()})"
    if kind == "string_pattern_mismatch":
        return f"{value!r} does not have the expected form ({ctx.get('pattern')})"
    return f"{value!r}: {error['msg'].lower()}"


def validate_playbook(data: Any) -> Playbook:
    """A parsed YAML document as a Playbook, or PlaybookError listing every problem."""
    if not isinstance(data, dict):
        raise PlaybookError(["(top level): expected a mapping of playbook sections"])
    try:
        book = Playbook.model_validate(data)
    except ValidationError as exc:
        raise PlaybookError([f"{_path(e['loc'])}: {_message(e)}" for e in exc.errors()]) from None
    book.rule_conditions()  # two conditions for one rule: PlaybookError
    return book


def load_playbook(path: str | Path) -> Playbook:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise PlaybookError([f"{path}: cannot be read ({exc.strerror})"]) from None
    except yaml.YAMLError as exc:
        raise PlaybookError([f"{path}: not valid YAML ({exc})"]) from None
    return validate_playbook(data)
