"""The trained model: a readable JSON file, reused on the next batch.

It holds every comparison with its levels as they are defined (so the file alone can score), and for
each level ``m`` (how often true matches land there), ``u`` (how often random pairs do) and the match
weight ``log2(m / u)``; the prior (the probability that two random records match, also kept per record
so it scales with the data), the thresholds, and how training went.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from idgraph.graph.errors import IdgraphError

from .comparisons import Comparison
from .settings import Thresholds

FORMAT = "idgraph-match-model/1"


class ModelError(IdgraphError):
    """The model file is missing, unreadable or does not fit the settings."""


class LevelParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    m: float | None = None  # None for the null level (no evidence)
    u: float | None = None
    weight: float = 0.0
    u_source: str = ""  # "random pairs", "value counts"
    m_source: str = ""  # "EM", "too few matches: no evidence"
    definition: dict[str, Any] = Field(default_factory=dict)


class ComparisonParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    column: str
    description: str = ""
    tf_adjustment: bool = False
    levels: list[LevelParams]

    def definition(self) -> Comparison:
        return Comparison(
            name=self.name,
            column=self.column,
            description=self.description,
            tf_adjustment=self.tf_adjustment,
            levels=[lv.definition for lv in self.levels],
        )


class ContextParams(BaseModel):
    """u and weights that replace the global ones for pairs meeting ``when`` (see settings.Context)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    keys: list[str] = Field(default_factory=list)
    when: dict[str, list[str]]
    u: dict[str, list[float | None]]
    weight: dict[str, list[float]]


class CoHolderParams(BaseModel):
    """How the guard weighs two records that hold one identifier (``matcher/co_holders.py``): the
    comparisons it weighs (those that describe the person and the home, not the identifiers), each
    level's weight among co-holders (``weight``: the model's m over the u of co-holders who are different
    people), and ``probability``, the share of co-holder pairs that are one person, all estimated on this
    data."""

    model_config = ConfigDict(extra="forbid")

    probability: float
    pairs: int
    comparisons: list[str]
    weight: dict[str, list[float]] = Field(default_factory=dict)


class Prior(BaseModel):
    model_config = ConfigDict(extra="forbid")

    probability: float  # lambda: two random records are the same person, at `records` records
    records: int
    matches_per_record: float  # how many other records of the same person a record has, on average

    def at(self, n: int) -> float:
        """Lambda for ``n`` records: the same matches per record, spread over n - 1 partners."""
        if n < 2:
            return self.probability
        return float(min(max(self.matches_per_record / (n - 1), 1e-12), 0.5))

    @staticmethod
    def weight_of(p: float) -> float:
        return math.log2(p / (1 - p))


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = FORMAT
    created_at: str = Field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    prior: Prior
    thresholds: Thresholds
    comparisons: list[ComparisonParams]
    contexts: list[ContextParams] = Field(default_factory=list)
    co_holder: CoHolderParams | None = None
    tf: dict[str, float] = Field(default_factory=dict)  # tf_weight, tf_min_u
    training: dict[str, Any] = Field(default_factory=dict)

    # -- building
    @classmethod
    def build(
        cls,
        comparisons: list[Comparison],
        m: list[np.ndarray],
        u: list[np.ndarray],
        u_sources: list[list[str]],
        prior: Prior,
        thresholds: Thresholds,
        training: dict[str, Any],
        tf: dict[str, float] | None = None,
        contexts: list[tuple[Any, dict[str, np.ndarray]]] | None = None,
        thin: list[np.ndarray] | None = None,
    ) -> "Model":
        thin = thin if thin is not None else [np.zeros(len(c.levels), dtype=bool) for c in comparisons]
        params = []
        for comp, mc, uc, sc, tc in zip(comparisons, m, u, u_sources, thin):
            levels = []
            for i, level in enumerate(comp.levels):
                definition = level.model_dump(mode="json", exclude_none=True)
                definition["label"] = level.name()
                if i == 0:
                    levels.append(LevelParams(label=level.name(), definition=definition))
                    continue
                mi, ui = max(float(mc[i]), 1e-12), max(float(uc[i]), 1e-12)
                levels.append(
                    LevelParams(
                        label=level.name(),
                        m=round(mi, 8),
                        u=float(f"{ui:.6g}"),
                        weight=0.0 if tc[i] else round(math.log2(mi / ui), 4),
                        u_source=sc[i],
                        m_source="too few matches: no evidence" if tc[i] else "EM",
                        definition=definition,
                    )
                )
            params.append(
                ComparisonParams(
                    name=comp.name,
                    column=comp.column,
                    description=comp.description,
                    tf_adjustment=comp.tf_adjustment,
                    levels=levels,
                )
            )
        ctx_params = []
        m_by_name = {c.name: mc for c, mc in zip(comparisons, m)}
        thin_by_name = {c.name: tc for c, tc in zip(comparisons, thin)}
        for ctx, u_ctx in contexts or []:
            ctx_params.append(
                ContextParams(
                    name=ctx.name,
                    keys=list(ctx.keys),
                    when={k: list(v) for k, v in ctx.when.items()},
                    u={k: [None, *(float(f"{x:.6g}") for x in v[1:])] for k, v in u_ctx.items()},
                    weight={
                        k: [0.0, *(0.0 if thin_by_name[k][i]
                                   else round(math.log2(max(float(m_by_name[k][i]), 1e-300) / float(v[i])), 4)
                                   for i in range(1, len(v)))]
                        for k, v in u_ctx.items()
                    },
                )
            )
        return cls(prior=prior, thresholds=thresholds, comparisons=params, training=training, tf=tf or {},
                   contexts=ctx_params)

    # -- use
    def definitions(self) -> list[Comparison]:
        return [c.definition() for c in self.comparisons]

    def weight_tables(self) -> list[np.ndarray]:
        return [np.array([lv.weight for lv in c.levels], dtype=np.float32) for c in self.comparisons]

    def _context_masks(self, gamma: np.ndarray) -> list[tuple[ContextParams, np.ndarray]]:
        names = [c.name for c in self.comparisons]
        out = []
        for ctx in self.contexts:
            mask = np.ones(len(gamma), dtype=bool)
            for comp, labels in ctx.when.items():
                j = names.index(comp)
                all_labels = [lv.label for lv in self.comparisons[j].levels]
                wanted = np.array([all_labels.index(lbl) for lbl in labels], dtype=gamma.dtype)
                mask &= np.isin(gamma[:, j], wanted)
            out.append((ctx, mask))
        return out

    def level_weights(self, gamma: np.ndarray, *, with_contexts: bool = False):
        """The weight each comparison adds to each pair (pairs x comparisons), contexts applied.

        With ``with_contexts``, also the boolean matrix of the cells a context re-weighted.
        """
        tables = self.weight_tables()
        out = np.empty(gamma.shape, dtype=np.float32)
        for j, table in enumerate(tables):
            out[:, j] = table[gamma[:, j]]
        names = [c.name for c in self.comparisons]
        done = np.zeros(gamma.shape, dtype=bool)  # a comparison is re-weighted by one context at most
        for ctx, mask in self._context_masks(gamma):
            for comp, weights in ctx.weight.items():
                j = names.index(comp)
                rows = mask & ~done[:, j]
                out[rows, j] = np.asarray(weights, dtype=np.float32)[gamma[rows, j]]
                done[rows, j] = True
        return (out, done) if with_contexts else out

    def pattern_weights(self, gamma: np.ndarray) -> np.ndarray:
        """Sum of the level weights of each row (no prior, no term frequencies), float64."""
        total = np.zeros(len(gamma), dtype=np.float64)
        step = 1_000_000
        for i in range(0, len(gamma), step):
            total[i : i + step] = self.level_weights(gamma[i : i + step]).sum(axis=1, dtype=np.float64)
        return total

    def m_u(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        m = [np.array([lv.m or 0.0 for lv in c.levels]) for c in self.comparisons]
        u = [np.array([lv.u or 0.0 for lv in c.levels]) for c in self.comparisons]
        return m, u

    def differs_from(self, comparisons: list[Comparison]) -> list[str]:
        """Names of comparisons whose definition differs between this model and ``comparisons``."""

        def norm(c: Comparison) -> dict:
            d = c.model_dump(mode="json", exclude_none=True)
            d["levels"] = [{**lv, "label": c.levels[i].name()} for i, lv in enumerate(d["levels"])]
            return d

        mine = {c.name: norm(c) for c in self.definitions()}
        theirs = {c.name: norm(c) for c in comparisons}
        return sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))

    def table(self) -> list[dict[str, Any]]:
        """One row per comparison level: the data of ``idgraph model show``."""
        rows = []
        for c, definition in zip(self.comparisons, self.definitions()):
            adjusted = set(definition.tf_levels())
            for i, lv in enumerate(c.levels):
                rows.append(
                    {
                        "comparison": c.name,
                        "level": i,
                        "label": lv.label,
                        "m": lv.m,
                        "u": lv.u,
                        "weight": lv.weight,
                        "bayes_factor": None if lv.m is None else round(2 ** lv.weight, 4),
                        "tf_adjusted": i in adjusted,
                    }
                )
        return rows

    def context_table(self) -> list[dict[str, Any]]:
        """One row per context, comparison and level: the u and weight used for pairs in the context."""
        labels = {c.name: [lv.label for lv in c.levels] for c in self.comparisons}
        rows = []
        for ctx in self.contexts:
            for comp, weights in ctx.weight.items():
                for i, w in enumerate(weights):
                    if i == 0:
                        continue
                    rows.append({"context": ctx.name, "comparison": comp, "level": i, "label": labels[comp][i],
                                 "u": ctx.u[comp][i], "weight": w})
        return rows

    # -- files
    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.model_dump(mode="json"), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "Model":
        path = Path(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{path}: no model file (train one with `idgraph model train`)") from None
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read the model file: {exc}") from None
        if raw.get("format") != FORMAT:
            raise ModelError(f"{path}: not a model file of format {FORMAT!r} (retrain with `idgraph model train`)")
        try:
            return cls.model_validate(raw)
        except Exception as exc:  # pydantic's message names the field
            raise ModelError(f"{path}: invalid model file: {exc}") from None
