"""The probabilistic matcher: blocking, comparisons with graded levels, Fellegi-Sunter weights trained
without labels (u from random pairs, m by EM), term-frequency adjustment, scoring and evidence.

The modules behind this surface each hold one concept; this is all a job or a test needs.
"""

from .blocking import Candidates, RuleStats, candidate_pairs, random_pairs
from .blocking_plan import PlannedRule, plan_blocking, rules_to_run
from .comparisons import LIBRARY, Comparison, compute_gamma, default_comparisons
from .features import Feature, FeatureTable, records_frame
from .labels import Labels
from .model import Model, ModelError, Prior
from .pairs import PairContext
from .scoring import Scores, classify, evidence, score
from .settings import Blocking, BlockingRule, MatchSettings, Thresholds, Training, TrainingSession, settings_for
from .training import expectation_maximisation, patterns, train

__all__ = [
    "LIBRARY",
    "Blocking",
    "BlockingRule",
    "Candidates",
    "Comparison",
    "Feature",
    "FeatureTable",
    "Labels",
    "MatchSettings",
    "Model",
    "ModelError",
    "PairContext",
    "PlannedRule",
    "Prior",
    "RuleStats",
    "Scores",
    "Thresholds",
    "Training",
    "TrainingSession",
    "candidate_pairs",
    "classify",
    "compute_gamma",
    "default_comparisons",
    "evidence",
    "expectation_maximisation",
    "patterns",
    "plan_blocking",
    "random_pairs",
    "records_frame",
    "rules_to_run",
    "score",
    "settings_for",
    "train",
]
