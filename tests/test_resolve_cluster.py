"""Clustering: strong pairs link, judgements override, contradictions refuse, order never matters."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nomina.resolve.cluster import (
    Clustering,
    Judgement,
    Pair,
    RecordFacts,
    birth_span,
    cluster_records,
    numbers_meet,
)


def strong(left: int, right: int, weight: float = 10.0) -> Pair:
    return Pair(left, right, 0.99, weight)


def facts(
    record_id: int, docs: tuple[str, ...] = (), birth: str | None = None, svcs: tuple[str, ...] = ()
) -> RecordFacts:
    return RecordFacts(record_id, frozenset(docs), birth, frozenset(svcs))


def by_record(clustering: Clustering) -> dict[int, frozenset[int]]:
    return {r: c for c in clustering.clusters for r in c}


def test_pairs_above_threshold_link_and_every_record_appears_once() -> None:
    result = cluster_records(
        [5, 1, 2, 3, 4],
        [strong(1, 2), Pair(2, 3, 0.5, 1.0), Pair(4, 3, 0.95, 3.0)],
        [],
        {},
    )
    assert result.clusters == (frozenset({1, 2}), frozenset({3, 4}), frozenset({5}))
    assert result.splits == () and result.forced == ()


def test_same_is_a_must_link_and_unsure_changes_nothing() -> None:
    pairs = [Pair(1, 2, 0.2, -3.0), Pair(3, 4, 0.99, 9.0)]
    judged = [Judgement(2, 1, "same"), Judgement(3, 4, "unsure")]
    result = cluster_records([1, 2, 3, 4], pairs, judged, {})
    assert result.clusters == (frozenset({1, 2}), frozenset({3, 4}))


def test_different_holds_against_a_chain_of_strong_pairs() -> None:
    # A–B–C strong, A ≠ C judged: A and C end in different persons.
    pairs = [strong(1, 2, 12.0), strong(2, 3, 11.0)]
    result = cluster_records([1, 2, 3], pairs, [Judgement(3, 1, "different")], {})
    clusters = by_record(result)
    assert clusters[1] != clusters[3]
    assert clusters[2] == clusters[1]  # the stronger link wins
    (split,) = result.splits
    assert split.records == frozenset({1, 2, 3})
    assert split.parts == (frozenset({1, 2}), frozenset({3}))
    assert split.refused == (pairs[1],)
    assert split.reasons == (
        "link between records 2 and 3 (probability 0.990) refused: "
        "records 1 and 3 judged different by a reviewer",
    )


def test_a_number_one_slip_apart_is_a_clerks_error_not_a_second_document() -> None:
    records = {
        1: facts(1, ("2274401",)),
        2: facts(2, ("2274501",)),  # one digit mistyped
        3: facts(3, ("6504363",)),
        4: facts(4, ("6504336",)),  # two digits swapped
        5: facts(5, ("AB1234567",)),
        6: facts(6),
        7: facts(7, ("AB1234576",)),  # a slip of 5's number: 5, 6, 7 are one person
        8: facts(8, ("CD9876543",)),  # a different document: not through 6
    }
    pairs = [strong(1, 2), strong(3, 4), strong(5, 6, 12.0), strong(6, 7, 11.0), strong(6, 8)]
    result = cluster_records(list(records), pairs, [], records)
    assert result.clusters == (
        frozenset({1, 2}),
        frozenset({3, 4}),
        frozenset({5, 6, 7}),
        frozenset({8}),
    )
    assert numbers_meet(frozenset({"123456"}), frozenset({"123465"}))
    assert not numbers_meet(frozenset({"12345"}), frozenset({"12346"}))  # too short to tell


def test_a_shared_number_vouches_across_a_birth_date_far_off() -> None:
    records = {1: facts(1, ("5475592",), "1967-05-09"), 2: facts(2, ("5475592",), "1912-07-29")}
    records[3] = facts(3, (), "1967-05-09")
    records[4] = facts(4, (), "1912-07-29")
    pairs = [strong(1, 2), strong(3, 4)]
    result = cluster_records([1, 2, 3, 4], pairs, [], records)
    assert result.clusters == (frozenset({1, 2}), frozenset({3}), frozenset({4}))


def test_differing_document_numbers_stop_a_chain() -> None:
    # 12 and 40 hold different passports; a record without one (20) would chain them.
    records = {12: facts(12, ("AB123",)), 20: facts(20), 40: facts(40, ("CD456",))}
    pairs = [strong(12, 20, 10.0), strong(20, 40, 5.0)]
    result = cluster_records([12, 20, 40], pairs, [], records)
    assert result.clusters == (frozenset({12, 20}), frozenset({40}))
    (split,) = result.splits
    assert split.reasons[0].endswith("records 12 and 40: document numbers AB123 and CD456 differ")


def test_a_shared_number_links_and_kinds_never_contradict_each_other() -> None:
    records = {
        1: facts(1, ("P1",), svcs=("S9",)),  # old passport, service number
        2: facts(2, ("P2",), svcs=("S9",)),  # renewed passport, same service number
        3: facts(3, ("P2",)),  # the new passport alone
        4: facts(4, svcs=("S9",)),
        5: facts(5, ("P7",)),  # a passport nobody else holds: contradicts the person
    }
    pairs = [strong(1, 2, 9), strong(2, 3, 8), strong(1, 4, 7), strong(3, 5, 6)]
    result = cluster_records(range(1, 6), pairs, [], records)
    assert result.clusters == (frozenset({1, 2, 3, 4}), frozenset({5}))
    # A document number never contradicts a service number.
    only = cluster_records(
        [1, 2], [strong(1, 2)], [], {1: facts(1, ("P1",)), 2: facts(2, svcs=("S1",))}
    )
    assert only.clusters == (frozenset({1, 2}),)


def test_differing_service_numbers_stop_a_chain() -> None:
    records = {1: facts(1, svcs=("S1",)), 2: facts(2, svcs=("S2",)), 3: facts(3)}
    result = cluster_records([1, 2, 3], [strong(1, 3, 11.0), strong(3, 2)], [], records)
    assert len(result.clusters) == 2
    assert "service numbers S1 and S2 differ" in result.splits[0].reasons[0]


def test_two_records_with_different_numbers_link_on_the_models_word() -> None:
    # A renewed passport: the model weighed the two numbers when it scored the pair.
    records = {1: facts(1, ("AB1234567",)), 2: facts(2, ("CD9876543",))}
    result = cluster_records([1, 2], [strong(1, 2)], [], records)
    assert result.clusters == (frozenset({1, 2}),)


@pytest.mark.parametrize(
    ("left", "right", "apart"),
    [
        ("1998", "2001-01-01", True),
        ("1998", "2000-12-31", False),
        ("1998-03", "2000-04", True),
        ("1998-03", "2000-03-31", False),
        ("1998-03-05", "2000-03-05", False),
        ("1998-03-05", "2000-03-06", True),
        ("1970", "1970-06", False),
    ],
)
def test_birth_dates_are_compared_at_the_precision_both_have(
    left: str, right: str, apart: bool
) -> None:
    records = {1: facts(1, birth=left), 2: facts(2, birth=right)}
    result = cluster_records([1, 2], [strong(1, 2)], [], records)
    assert (len(result.clusters) == 2) is apart
    if apart:
        assert (
            result.splits[0]
            .reasons[0]
            .endswith(
                f"records 1 and 2: birth dates {left} and {right} are more than 2 years apart"
            )
        )


def test_birth_check_covers_every_record_of_both_sets() -> None:
    # 1 (1990) and 2 (1991) together; 3 (1993) is within 2 years of 2 but not of 1.
    records = {1: facts(1, birth="1990"), 2: facts(2, birth="1991"), 3: facts(3, birth="1993")}
    result = cluster_records([1, 2, 3], [strong(1, 2, 9), strong(2, 3, 8)], [], records)
    assert result.clusters == (frozenset({1, 2}), frozenset({3}))
    wide = cluster_records(
        [1, 2, 3], [strong(1, 2, 9), strong(2, 3, 8)], [], records, max_birth_years_apart=3
    )
    assert wide.clusters == (frozenset({1, 2, 3}),)


def test_reviewers_win_over_contradictions_and_it_is_reported() -> None:
    records = {1: facts(1, ("AB1",)), 2: facts(2), 3: facts(3, ("CD2",))}
    judged = [Judgement(1, 2, "same"), Judgement(2, 3, "same")]
    result = cluster_records([1, 2, 3], [], judged, records)
    assert result.clusters == (frozenset({1, 2, 3}),)
    (forced,) = result.forced
    assert forced.records == frozenset({1, 2, 3})
    assert forced.reasons == (
        "records 1 and 3: document numbers AB1 and CD2 differ, "
        "but reviewers judged them the same person",
    )
    # A chain of same judgements even overrides a different one.
    both = cluster_records([1, 2, 3], [], judged + [Judgement(1, 3, "different")], {})
    assert both.clusters == (frozenset({1, 2, 3}),)
    assert "judged different by a reviewer" in both.forced[0].reasons[0]


def test_a_forced_person_still_refuses_new_contradictions_only() -> None:
    # 1 and 2 forced together despite their birth years; 3 agrees with 2 and joins.
    records = {1: facts(1, birth="1960"), 2: facts(2, birth="1990"), 3: facts(3, birth="1959")}
    result = cluster_records([1, 2, 3], [strong(1, 3)], [Judgement(1, 2, "same")], records)
    assert result.clusters == (frozenset({1, 2}), frozenset({3}))
    records[3] = facts(3, birth="1960-05")
    joined = cluster_records([1, 2, 3], [strong(1, 3)], [Judgement(1, 2, "same")], records)
    assert len(joined.clusters) == 2  # 3 (1960) vs 2 (1990): a new contradiction
    records[3] = facts(3)
    joined = cluster_records([1, 2, 3], [strong(1, 3)], [Judgement(1, 2, "same")], records)
    assert joined.clusters == (frozenset({1, 2, 3}),)


def test_refused_then_joined_another_way_is_no_split() -> None:
    # 1 and 3 hold one passport each; 2 holds both (a renewal), so all are one person.
    records = {1: facts(1, ("P1",)), 2: facts(2, ("P1", "P2")), 3: facts(3, ("P2",))}
    pairs = [strong(1, 3, 20), strong(1, 2, 10), strong(2, 3, 9)]
    result = cluster_records([1, 2, 3], pairs, [], records)
    assert result.clusters == (frozenset({1, 2, 3}),)
    assert result.splits == ()


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="record 9 is not among the records clustered"):
        cluster_records([1, 2], [strong(1, 9)], [], {})
    with pytest.raises(ValueError, match="record -1 is not among"):
        cluster_records([1, 2], [strong(-1, 2)], [], {})
    with pytest.raises(ValueError, match="record 7 is not among"):
        cluster_records([10**12, 1], [strong(10**12, 7)], [], {})
    with pytest.raises(ValueError, match="judged both same and different"):
        cluster_records([1, 2], [], [Judgement(1, 2, "same"), Judgement(2, 1, "different")], {})
    with pytest.raises(ValueError, match="verdict 'maybe'"):
        cluster_records([1, 2], [], [Judgement(1, 2, "maybe")], {})
    with pytest.raises(ValueError, match="record 2: birth date '1998-13'"):
        cluster_records([1, 2], [strong(1, 2)], [], {1: facts(1), 2: facts(2, birth="1998-13")})
    with pytest.raises(ValueError, match="threshold"):
        cluster_records([1], [], [], {}, threshold=1.5)


def test_birth_span() -> None:
    assert birth_span("1998") == (19980101, 19981231)
    assert birth_span("1998-03") == (19980301, 19980331)
    assert birth_span("1998-03-05") == (19980305, 19980305)
    for bad in ("98", "1998-3", "1998-03-32", "1998-00", "１９９８", "1998-03-05T00"):
        with pytest.raises(ValueError):
            birth_span(bad)


def test_sparse_and_negative_ids_cluster_like_dense_ones() -> None:
    records = {1: facts(1, ("A",)), 2: facts(2), 3: facts(3, ("B",)), 4: facts(4, birth="1990")}
    pairs = [strong(1, 2, 9), strong(2, 3, 8), strong(3, 4, 7), Pair(4, 5, 0.1, -2)]
    dense = cluster_records(range(1, 6), pairs, [Judgement(1, 5, "different")], records)
    for shift in (10**12, -100):
        moved = cluster_records(
            [r + shift for r in range(1, 6)],
            [Pair(p.left + shift, p.right + shift, p.probability, p.weight) for p in pairs],
            [Judgement(1 + shift, 5 + shift, "different")],
            {
                r + shift: RecordFacts(r + shift, f.document_numbers, f.birth_date)
                for r, f in records.items()
            },
        )
        assert moved.clusters == tuple(frozenset(r + shift for r in c) for c in dense.clusters)
        assert len(moved.splits) == len(dense.splits) == 1


# --- properties ------------------------------------------------------------------------

YEARS = st.sampled_from(["1970", "1971-05", "1972-05-06", "1975", "1976-01-02", None])


@st.composite
def worlds(
    draw: st.DrawFn,
) -> tuple[list[int], list[Pair], list[Judgement], dict[int, RecordFacts]]:
    n = draw(st.integers(1, 14))
    ids = list(range(1, n + 1))
    edge = st.tuples(st.integers(1, n), st.integers(1, n)).filter(lambda e: e[0] != e[1])
    raw_pairs = draw(st.lists(edge, max_size=30))
    pairs = [
        Pair(a, b, draw(st.sampled_from([0.3, 0.95, 0.99])), draw(st.sampled_from([1.0, 5.0, 7.5])))
        for a, b in raw_pairs
    ]
    verdicts: dict[tuple[int, int], str] = {}
    for a, b in draw(st.lists(edge, max_size=4)):
        verdicts[(min(a, b), max(a, b))] = draw(st.sampled_from(["same", "different", "unsure"]))
    judged = [Judgement(a, b, v) for (a, b), v in verdicts.items()]
    record_facts = {
        r: facts(
            r,
            tuple(draw(st.sets(st.sampled_from(["P1", "P2", "P3"]), max_size=1))),
            draw(YEARS),
            tuple(draw(st.sets(st.sampled_from(["S1", "S2"]), max_size=1))),
        )
        for r in ids
    }
    return ids, pairs, judged, record_facts


@settings(max_examples=300, deadline=None)
@given(worlds(), st.randoms(use_true_random=False))
def test_same_input_in_any_order_gives_the_same_output(world, rnd: random.Random) -> None:
    ids, pairs, judged, record_facts = world
    first = cluster_records(ids, pairs, judged, record_facts)
    rnd.shuffle(ids)
    rnd.shuffle(pairs)
    rnd.shuffle(judged)
    shuffled_facts = dict(rnd.sample(sorted(record_facts.items()), len(record_facts)))
    assert cluster_records(ids, pairs, judged, shuffled_facts) == first


def _numbers_vouch(cluster, record_facts) -> bool:
    """Two records of the cluster share a number (or one a slip of it): then a birth date
    far off is read as a slip, and the birth check does not apply."""
    members = sorted(cluster)
    return any(
        numbers_meet(record_facts[a].document_numbers, record_facts[b].document_numbers)
        or numbers_meet(record_facts[a].service_numbers, record_facts[b].service_numbers)
        for i, a in enumerate(members)
        for b in members[i + 1 :]
    )


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_invariants(world) -> None:
    ids, pairs, judged, record_facts = world
    result = cluster_records(ids, pairs, judged, record_facts)
    # A partition of the records, ordered by smallest record.
    members = [r for c in result.clusters for r in c]
    assert sorted(members) == sorted(ids)
    assert [min(c) for c in result.clusters] == sorted(min(c) for c in result.clusters)
    cluster = by_record(result)
    forced = {r for f in result.forced for r in f.records}
    # Must-links always hold.
    for j in judged:
        if j.verdict == "same":
            assert cluster[j.left] == cluster[j.right]
    # Cannot-links and birth contradictions hold unless reviewers forced the person.
    for j in judged:
        if j.verdict == "different" and cluster[j.left] == cluster[j.right]:
            assert j.left in forced
    for c in result.clusters:
        if min(c) in forced or _numbers_vouch(c, record_facts):
            continue
        spans = [birth_span(record_facts[r].birth_date) for r in c if record_facts[r].birth_date]
        if spans:
            assert max(s for s, _ in spans) <= min(e for _, e in spans) + 2 * 10000
    # Every cluster lies inside one plain component; splits are exactly those cut apart.
    plain: dict[int, int] = {r: r for r in ids}

    def find(x: int) -> int:
        while plain[x] != x:
            x = plain[x]
        return x

    links = [(p.left, p.right) for p in pairs if p.probability >= 0.95]
    links += [(j.left, j.right) for j in judged if j.verdict == "same"]
    for a, b in links:
        plain[find(a)] = find(b)
    for c in result.clusters:
        assert len({find(r) for r in c}) == 1
    cut = {find(min(c)) for c in result.clusters} - {
        find(min(c))
        for c in result.clusters
        if all(find(r) != find(min(c)) for d in result.clusters if d != c for r in d)
    }
    assert {find(min(s.records)) for s in result.splits} == cut
    for split in result.splits:
        assert split.records == frozenset().union(*split.parts)
        assert split.records == frozenset(r for r in ids if find(r) == find(min(split.records)))
        assert len(split.refused) == len(split.reasons) >= 1
        for pair in split.refused:
            assert cluster[pair.left] != cluster[pair.right]


def test_a_chain_whose_differing_numbers_the_model_weighed_pair_by_pair_links() -> None:
    # Two lists copied one person with two numbers (a wrong one carried over); every
    # record with one number was scored a strong pair with every record with the other.
    born = "1911-10-01"
    records = {r: facts(r, ("7492384",), born) for r in (1, 2)}
    records |= {r: facts(r, ("8186634",), born) for r in (3, 4)}
    pairs = [strong(1, 2, 12), strong(3, 4, 11)]
    cross = [strong(a, b, 9) for a in (1, 2) for b in (3, 4)]
    result = cluster_records(range(1, 5), pairs + cross, [], records)
    assert result.clusters == (frozenset({1, 2, 3, 4}),)
    assert result.splits == ()
    # One cross pair the model never scored strong: the chain is refused, as before.
    result = cluster_records(range(1, 5), pairs + cross[:3], [], records)
    assert result.clusters == (frozenset({1, 2}), frozenset({3, 4}))
    assert "document numbers 7492384 and 8186634 differ" in result.splits[0].reasons[0]
    # Namesakes: every cross pair strong, but no birth date to the day vouches for them.
    for born_as in ("1911", None):
        namesakes = {r: facts(r, f.document_numbers, born_as) for r, f in records.items()}
        result = cluster_records(range(1, 5), pairs + cross, [], namesakes)
        assert result.clusters == (frozenset({1, 2}), frozenset({3, 4}))


def test_a_weighed_chain_is_still_checked_on_birth_dates() -> None:
    # 1 and 3 differ in number but share a full birth date and a strong pair: weighed.
    # Their sets' other records were born 1958 and 1962: more than two years apart.
    records = {
        1: facts(1, ("7492384",), "1960-05-05"),
        2: facts(2, (), "1958"),
        3: facts(3, ("8186634",), "1960-05-05"),
        5: facts(5, (), "1962"),
    }
    pairs = [strong(1, 2, 12), strong(3, 5, 11), strong(1, 3, 9)]
    result = cluster_records([1, 2, 3, 5], pairs, [], records)
    assert result.clusters == (frozenset({1, 2}), frozenset({3, 5}))
    assert "birth dates 1958 and 1962" in result.splits[0].reasons[0]


def test_a_chain_refused_for_want_of_a_direct_score_names_the_pairs_to_weigh() -> None:
    # 3's number differs from 1's and 2's; 3 was scored strong with 1 only (no blocking
    # rule compared 2 and 3). The refusal names 2–3: scored, it settles the chain.
    born = "1911-10-01"
    records = {1: facts(1, ("7492384",), born), 2: facts(2, ("7492384",), born)}
    records[3] = facts(3, ("8186634",), born)
    pairs = [strong(1, 2, 12), strong(1, 3, 9)]
    result = cluster_records(range(1, 4), pairs, [], records)
    assert result.clusters == (frozenset({1, 2}), frozenset({3}))
    assert result.unweighed == ((2, 3),)
    weighed = cluster_records(range(1, 4), [*pairs, strong(2, 3, 8)], [], records)
    assert weighed.clusters == (frozenset({1, 2, 3}),)
    assert weighed.unweighed == ()


def test_no_pair_is_asked_for_where_birth_dates_already_veto() -> None:
    # 2 and 3 differ in number and give different birth dates: scoring them cannot help.
    records = {
        1: facts(1, ("7492384",), "1911-10-01"),
        2: facts(2, ("7492384",), "1911-10-02"),
        3: facts(3, ("8186634",), "1911-10-01"),
    }
    result = cluster_records(range(1, 4), [strong(1, 2, 12), strong(1, 3, 9)], [], records)
    assert result.clusters == (frozenset({1, 2}), frozenset({3}))
    assert result.unweighed == ()
