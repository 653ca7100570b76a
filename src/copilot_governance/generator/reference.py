"""Vocabularies and distribution parameters of the synthetic support organisation.

String columns are generated as integer codes into the vocabularies below; each vocabulary also
holds the few unmapped (new) values and the invalid values the bad-input plant uses, so that every
generated string is one of these lists (except ids, rendered from numbers).
"""

from __future__ import annotations

import numpy as np

from copilot_governance.contract import CALLS, DRAFTS, TICKETS, allowed_values


def _enum(table: str, column: str, *invalid: str) -> tuple[str, ...]:
    """The contract's enum of a column, in its order, then the invalid values the bad-input plant uses."""
    return (*allowed_values(table, column), *invalid)


def _codes(vocabulary: tuple[str, ...], *values: str) -> tuple[int, ...]:
    """The codes of the values the generator gives a meaning (fails at import if the contract drops one)."""
    return tuple(vocabulary.index(v) for v in values)


# --- queues -------------------------------------------------------------------------------------
QUEUES = (
    "billing",
    "shipping-updates",
    "returns",
    "account-access",
    "technical",
    "faq",
    "warranty-claims",  # unmapped: a new queue, a few tickets, never in the pilot scope
)
Q_BILLING, Q_SHIPPING, Q_RETURNS, Q_ACCOUNT, Q_TECHNICAL, Q_FAQ, Q_WARRANTY = range(7)
QUEUE_WEIGHTS = np.array([0.27, 0.24, 0.14, 0.12, 0.11, 0.12, 0.0])
PILOT_QUEUES = (Q_BILLING, Q_SHIPPING)

# --- regions ------------------------------------------------------------------------------------
REGIONS = ("NA", "EU", "UK", "APAC", "JP", "ANZ", "LATAM", "MEA", "SEA")
R_NA, R_EU, R_UK, R_APAC, R_JP, R_ANZ, R_LATAM, R_MEA, R_SEA = range(9)
REGION_WEIGHTS = np.array([0.32, 0.26, 0.10, 0.10, 0.06, 0.05, 0.06, 0.05, 0.0])
PILOT_REGIONS = (R_NA, R_EU)
REGION_UTC_OFFSET_H = np.array([-5, 1, 0, 8, 9, 10, -3, 3, 7])
#: Agents per region (agent ids are drawn from a region's pool).
AGENT_POOL = 400

# --- residency: the one processing region the policy allows per ticket region --------------------
PROCESSING_REGIONS = (
    "us-east",
    "westeurope",
    "uksouth",
    "southeastasia",
    "japaneast",
    "australiaeast",
    "brazilsouth",
    "uaenorth",
)
#: processing region code per region code (SEA has no policy; its calls go to southeastasia).
PROCESSING_FOR_REGION = np.array([0, 1, 2, 3, 4, 5, 6, 7, 3])
P_US_EAST = 0

CHANNELS = ("email", "chat", "web", "voice", "self_service")
CH_WEB, CH_SELF = 2, 4
CHANNEL_WEIGHTS = np.array([0.36, 0.30, 0.20, 0.09, 0.05])

# --- intents ------------------------------------------------------------------------------------
INTENTS = (
    "billing_refund",
    "billing_invoice",
    "billing_payment_failed",
    "shipping_status",
    "shipping_delay",
    "shipping_address_change",
    "return_request",
    "return_status",
    "password_reset",
    "account_locked",
    "bug_report",
    "integration_help",
    "general_question",
    "warranty_claim",  # unmapped
)
I_BILLING_REFUND, I_BILLING_INVOICE = 0, 1
I_SHIPPING_STATUS = 3
I_WARRANTY = 13
NO_INTENT = -1
NULL_INTENT_RATE = 0.03

#: P(intent | queue); rows = queues, columns = intents.
INTENT_GIVEN_QUEUE = np.zeros((len(QUEUES), len(INTENTS)))
INTENT_GIVEN_QUEUE[Q_BILLING, 0:3] = (0.40, 0.33, 0.27)
INTENT_GIVEN_QUEUE[Q_SHIPPING, 3:6] = (0.50, 0.30, 0.20)
INTENT_GIVEN_QUEUE[Q_RETURNS, 6:8] = (0.60, 0.40)
INTENT_GIVEN_QUEUE[Q_ACCOUNT, 8:10] = (0.65, 0.35)
INTENT_GIVEN_QUEUE[Q_TECHNICAL, 10:12] = (0.55, 0.45)
INTENT_GIVEN_QUEUE[Q_FAQ, 12] = 1.0
INTENT_GIVEN_QUEUE[Q_WARRANTY, 13] = 1.0
#: Draft intent when the ticket's intent is null.
QUEUE_DEFAULT_INTENT = np.array([1, 3, 6, 8, 10, 12, 13])

# --- ticket outcomes (per queue) ------------------------------------------------------------------
#: Median hours from creation to solve (lognormal, sigma RESOLUTION_SIGMA).
RESOLUTION_MEDIAN_H = np.array([6.0, 5.0, 8.0, 3.0, 14.0, 2.0, 20.0])
RESOLUTION_SIGMA = 1.0
SELF_SERVICE_RATE = np.array([0.03, 0.03, 0.03, 0.03, 0.03, 0.12, 0.0])
PENDING_RATE = 0.005  # never solved within the range (waiting on the customer)
#: Mean handle time in seconds (lognormal, sigma AHT_SIGMA); copilot-enabled tickets x AHT_COPILOT.
AHT_MEAN_S = np.array([590.0, 520.0, 450.0, 410.0, 780.0, 430.0, 700.0])
AHT_SIGMA = 0.55
AHT_COPILOT = 0.88
REPLIES = np.array([1, 2, 3, 4])
REPLIES_P = np.array([0.70, 0.18, 0.08, 0.04])
REPLIES_P_COPILOT = np.array([0.73, 0.17, 0.07, 0.03])
REOPENS = np.array([0, 1, 2])
REOPENS_P = np.array([0.92, 0.07, 0.01])
#: Escalation rate of agent-solved tickets: control / baseline, and copilot-enabled.
ESCALATION_BASE = np.array([0.18, 0.10, 0.09, 0.12, 0.11, 0.08, 0.12])
ESCALATION_COPILOT = np.array([0.10, 0.08, 0.08, 0.10, 0.10, 0.07, 0.10])
SURVEY_RATE = 0.60
RESPONSE_RATE = 0.45
#: Good share of survey answers; copilot-enabled tickets + CSAT_COPILOT_UPLIFT. Keep all >= 0.85:
#: with answers spread evenly (allocate_sequential), a 3-day window of n >= 20 answers then has
#: more than 0.85 n - 1 >= 0.80 n good ones, so a clean scope never drops below CSAT 80.
CSAT_GOOD = np.array([0.85, 0.86, 0.86, 0.86, 0.86, 0.86, 0.86])
CSAT_COPILOT_UPLIFT = 0.03

# --- drafts ---------------------------------------------------------------------------------------
COVERAGE = 0.88
DRAFTS_PER_TICKET = np.array([1, 2, 3])
DRAFTS_PER_TICKET_P = np.array([0.50, 0.35, 0.15])
#: Beta mean of confidence per intent; concentration CONFIDENCE_KAPPA.
CONFIDENCE_MEAN = np.array([0.86, 0.82, 0.77, 0.80, 0.75, 0.79, 0.80, 0.82, 0.84, 0.78, 0.72, 0.70, 0.83, 0.72])
CONFIDENCE_KAPPA = 30.0
#: Intent thresholds: conf < SUGGEST_MIN suppressed, < REVIEW_BELOW human_review, else auto_suggest.
SUGGEST_MIN = np.full(len(INTENTS), 0.70)
REVIEW_BELOW = np.full(len(INTENTS), 0.80)
SUGGEST_MIN[I_BILLING_REFUND], REVIEW_BELOW[I_BILLING_REFUND] = 0.85, 0.90
SUGGEST_MIN[I_SHIPPING_STATUS], REVIEW_BELOW[I_SHIPPING_STATUS] = 0.72, 0.80
#: P(accepted or minor edit | shown, decided) = logistic(ACCEPT_A + ACCEPT_B * confidence):
#: ~0.34 at 0.60 and ~0.78 at 0.95 (auto-suggest acceptance ~0.68 overall).
ACCEPT_B = (np.log(0.78 / 0.22) - np.log(0.34 / 0.66)) / 0.35
ACCEPT_A = np.log(0.34 / 0.66) - ACCEPT_B * 0.60
UNDECIDED_RATE = 0.03
MINOR_EDIT_SHARE = 0.28  # of the accepted-or-minor outcomes
REJECT_SHARE = 0.55  # of the other outcomes (the rest are major edits)
MINOR_EDIT_MAX = 0.20

SUGGESTION_MODES = _enum(DRAFTS, "suggestion_mode", "auto")  # "auto": invalid
M_AUTO, M_REVIEW, M_SUPPRESSED, M_INVALID = _codes(
    SUGGESTION_MODES, "auto_suggest", "human_review", "suppressed", "auto"
)
AGENT_ACTIONS = _enum(DRAFTS, "agent_action", "approved")  # "approved": invalid
A_ACCEPTED, A_EDITED, A_REJECTED, A_INVALID = _codes(AGENT_ACTIONS, "accepted", "edited", "rejected", "approved")
RESOLVED_BY = _enum(TICKETS, "resolved_by", "bot")  # "bot": invalid
RB_AGENT, RB_SELF, RB_INVALID = _codes(RESOLVED_BY, "agent", "self_service", "bot")
SATISFACTION = _enum(TICKETS, "satisfaction_rating", "GOOD")  # "GOOD": invalid (case)
S_GOOD, S_BAD, S_OFFERED, S_INVALID = _codes(SATISFACTION, "good", "bad", "offered", "GOOD")

# --- prompt calls ---------------------------------------------------------------------------------
MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1-mini")  # gpt-4.1-mini: unmapped
MODEL_4O_SHARE = 0.70
M_GPT41_MINI = 2
LATENCY_MEDIAN_MS = np.array([1200.0, 850.0, 950.0])
LATENCY_SIGMA = 0.42
CALL_STATUS = _enum(CALLS, "status", "succeeded")  # "succeeded": invalid
ST_OK, ST_ERROR, ST_TIMEOUT, ST_FILTERED, ST_INVALID = _codes(
    CALL_STATUS, "ok", "error", "timeout", "filtered", "succeeded"
)
FAILED_CALL_RATE = 0.047  # extra calls without a draft, per draft
FAILED_STATUS_P = np.array([0.47, 0.42, 0.11])  # error, timeout, filtered
PII_RATE = 0.08
PII_UNREDACTED_RATE = 0.003  # of detected
JAILBREAK_RATE = 0.002
RETENTION_DAYS = 30
LEAK_RATE = 0.001

#: Template version per intent; shipping_status moves to the second version mid-pilot.
TEMPLATE_VERSION = (
    "1.4.0",
    "1.2.1",
    "1.1.0",
    "2.0.0",
    "1.3.0",
    "1.0.2",
    "1.0.0",
    "1.0.0",
    "1.0.0",
    "1.0.0",
    "1.0.0",
    "1.0.0",
    "1.0.0",
    "0.1.0",
)
BUMPED_INTENT = I_SHIPPING_STATUS
BUMPED_VERSION = "2.1.0"
TEMPLATES = (
    *(f"{i}@{v}" for i, v in zip(INTENTS, TEMPLATE_VERSION, strict=True)),
    f"{INTENTS[BUMPED_INTENT]}@{BUMPED_VERSION}",
)
T_BUMPED = len(INTENTS)

_PROMPTS = {
    "billing_refund": (
        "Customer [NAME] asks about a refund for order [ORDER_ID]; email [EMAIL].",
        "Refund request for order [ORDER_ID], charged to card [CARD]; reply per refund policy.",
    ),
    "billing_invoice": (
        "Customer [NAME] needs a corrected invoice for account [ACCOUNT_ID]; email [EMAIL].",
        "Invoice question about [INVOICE_ID] for account [ACCOUNT_ID].",
    ),
    "billing_payment_failed": (
        "Payment for order [ORDER_ID] failed on card [CARD]; customer [NAME] asks why.",
        "Customer reports a declined payment; account [ACCOUNT_ID], phone [PHONE].",
    ),
    "shipping_status": (
        "Customer asks where order [ORDER_ID] is; tracking [TRACKING_ID]; email [EMAIL].",
        "Order status request for [ORDER_ID] from [NAME].",
    ),
    "shipping_delay": (
        "Order [ORDER_ID] is late; customer [NAME] asks for a new delivery date.",
        "Delivery delay complaint for tracking [TRACKING_ID]; phone [PHONE].",
    ),
    "shipping_address_change": (
        "Customer [NAME] wants to change the address of order [ORDER_ID] to [ADDRESS].",
        "Address change request for order [ORDER_ID]; email [EMAIL].",
    ),
}
_GENERIC_PROMPTS = (
    "Customer [NAME] writes about ticket topic [TOPIC]; email [EMAIL].",
    "Customer request regarding account [ACCOUNT_ID]; draft a helpful reply.",
)
PROMPTS_PER_INTENT = 2
#: prompt_text vocabulary: PROMPTS_PER_INTENT redacted prompts per intent, then the leaked ones.
PROMPT_TEXTS: tuple[str, ...] = (
    *(p for i in INTENTS for p in _PROMPTS.get(i, _GENERIC_PROMPTS)),
    "Customer asks about a refund for order [ORDER_ID]; email maria.lopez@example.com.",
    "Customer reports a declined payment; account [ACCOUNT_ID], phone +1 415 555 0142.",
    "Payment for order [ORDER_ID] failed on card 4111 1111 1111 1111; customer asks why.",
    "Order status request for [ORDER_ID]; call back on +44 20 7946 0958.",
    "Customer wants to change the address of order [ORDER_ID]; email j.smith@example.org.",
    "Refund request for order [ORDER_ID], charged to card 5500-0000-0000-0004.",
)
LEAK_FIRST = len(INTENTS) * PROMPTS_PER_INTENT
N_LEAKS = len(PROMPT_TEXTS) - LEAK_FIRST

#: Agent ids: AGENT_POOL per region, code = region * AGENT_POOL + k.
AGENT_IDS: tuple[str, ...] = tuple(f"ag-{r.lower()}-{k:04d}" for r in REGIONS for k in range(AGENT_POOL))

# --- day and hour shape ---------------------------------------------------------------------------
#: Monday..Sunday volume factors (mean 1).
WEEKDAY_FACTOR = np.array([1.1, 1.1, 1.1, 1.1, 1.1, 0.75, 0.75])
#: Local-hour weights of ticket creation.
LOCAL_HOUR_WEIGHT = np.array(
    [
        *(0.3, 0.2, 0.15, 0.15, 0.2, 0.35, 0.6, 1.0, 1.6, 2.0, 2.1, 2.0),  # 00-11 h
        *(1.8, 1.9, 2.0, 1.9, 1.7, 1.4, 1.1, 0.9, 0.8, 0.7, 0.55, 0.4),  # 12-23 h
    ]
)

# --- id rendering ---------------------------------------------------------------------------------
ID_FORMAT: dict[str, tuple[str, int]] = {
    "ticket_id": ("ZT-", 9),
    "prompt_id": ("PL-", 10),
    "draft_id": ("DR-", 10),
}
