"""Co-holders: the share that are one person and the weight of a shared home, learnt from the data."""

from __future__ import annotations

import numpy as np
import pytest

from idgraph.ingest.matcher import FeatureTable, MatchSettings, Model, Prior, records_frame
from idgraph.ingest.matcher import comparisons as lib
from idgraph.ingest.matcher.co_holders import estimate_co_holders, person_comparisons, weigh_people

HOME = {"location"}
LISTS = {"emails", "phones", "devices"}


def model() -> Model:
    comps = [lib.first_name(), lib.last_name(), lib.dob(), lib.location(), lib.email()]
    m, u = [], []
    for c in comps:
        k = len(c.levels)
        m.append(np.array([0.0, 0.85, *[0.13 / (k - 3)] * (k - 3), 0.02]))
        u.append(np.array([0.0, 0.002, *[0.008 / (k - 3)] * (k - 3), 0.99]))
    return Model.build(comps, m, u, [[""] * len(c.levels) for c in comps],
                       Prior(probability=1e-5, records=50_000, matches_per_record=1.0), MatchSettings().thresholds, {})


def co_holders(same: int, households: int) -> tuple[FeatureTable, np.ndarray, np.ndarray]:
    """Pairs of records that share an identifier: ``same`` pairs are one person (equal names and birthday,
    one of them moved), ``households`` pairs are two people at one address (flatmates: the toy model has
    no household context to tell a family's shared surname apart)."""
    rows = []
    for i in range(same):
        rows.append({"first_name": f"f{i}", "last_name": f"s{i}", "dob": "1980-01-01", "address": f"{i} old rd",
                     "postcode": "AB1 1AA"})
        rows.append({"first_name": f"f{i}", "last_name": f"s{i}", "dob": "1980-01-01", "address": f"{i} new rd",
                     "postcode": "ZZ9 9ZZ"})
    for i in range(households):
        rows.append({"first_name": f"g{i}", "last_name": f"h{i}", "dob": "1970-02-02", "address": f"{i} home st",
                     "postcode": "CD2 2BB"})
        rows.append({"first_name": f"k{i}", "last_name": f"j{i}", "dob": "1999-09-09", "address": f"{i} home st",
                     "postcode": "CD2 2BB"})
    n = len(rows)
    return FeatureTable(records_frame(rows)), np.arange(0, n, 2), np.arange(1, n, 2)


def test_person_and_home_comparisons():
    person, home = person_comparisons(model().definitions(), LISTS, HOME)
    assert person == ["first_name", "last_name", "dob"]  # email reads an identifier list
    assert home == ["location"]


@pytest.mark.parametrize("same, households", [(800, 200), (500, 500), (990, 10)])
def test_the_share_of_one_person_pairs_is_found(same, households):
    built = model()
    features, a, b = co_holders(same, households)
    params = estimate_co_holders(built, features, a, b, LISTS, HOME)
    assert params.pairs == same + households
    assert params.probability == pytest.approx(same / (same + households), abs=0.02)


def test_a_shared_home_stops_counting_where_households_share_identifiers():
    built = model()
    same_address = [lv.label for lv in built.comparisons[3].levels].index("same address")
    global_weight = built.comparisons[3].levels[same_address].weight
    crowded = estimate_co_holders(built, *co_holders(500, 500), LISTS, HOME)
    few = estimate_co_holders(built, *co_holders(995, 5), LISTS, HOME)
    none = estimate_co_holders(built, *co_holders(1000, 0), LISTS, HOME)
    assert crowded.weight["location"][same_address] < 0 < global_weight  # households: no evidence
    assert 0 < few.weight["location"][same_address] < global_weight  # five say a little
    assert none.weight["location"][same_address] == pytest.approx(global_weight, abs=0.01)  # none: global


def test_too_few_pairs_keep_the_default_share():
    params = estimate_co_holders(model(), *co_holders(30, 20), LISTS, HOME)
    assert params.probability == 0.9 and params.pairs == 50


def test_weigh_people_says_which_fields_spoke_against():
    built = model()
    features, a, b = co_holders(3, 3)
    built.co_holder = estimate_co_holders(built, *co_holders(500, 500), LISTS, HOME)
    weighed = weigh_people(built, features, a, b)
    assert (weighed.probability[:3] > 0.9).all() and (weighed.probability[3:] < 0.1).all()
    assert weighed.against[0] == []
    assert weighed.against[3][:3] == ["first_name else", "last_name else", "dob else"]


def test_weigh_people_compares_only_the_fields_its_weights_name(monkeypatch):
    """The identifiers the holders share are not compared: the weights never read them (guard and
    strangers check alike), and an identifier comparison over every holder pair is time for nothing."""
    import idgraph.ingest.matcher.co_holders as co_holders_module

    built = model()
    features, a, b = co_holders(3, 3)
    built.co_holder = estimate_co_holders(built, *co_holders(500, 500), LISTS, HOME)
    compared: list[list[str]] = []
    real = co_holders_module.compute_gamma
    monkeypatch.setattr(co_holders_module, "compute_gamma",
                        lambda ctx, comps: compared.append([c.name for c in comps]) or real(ctx, comps))
    weighed = weigh_people(built, features, a, b)
    assert compared == [sorted(built.co_holder.weight, key=[c.name for c in built.comparisons].index)]
    assert "email" not in compared[0] and "email" in [c.name for c in built.comparisons]
    assert weighed.against[3][:3] == ["first_name else", "last_name else", "dob else"]
