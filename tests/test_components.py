from hypothesis import given, strategies as st

from newsdesk.components import Components


def test_joined_items_share_a_group_led_by_the_smallest():
    components = Components(range(5))
    components.join(3, 1)
    components.join(4, 3)
    assert components.groups() == {0: [0], 1: [1, 3, 4], 2: [2]}
    assert components.count(range(5)) == 3


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=40))
def test_groups_are_the_connected_components_of_the_pairs(pairs):
    components = Components(range(21))
    for a, b in pairs:
        components.join(a, b)
    groups = components.groups()
    assert sorted(i for members in groups.values() for i in members) == list(range(21))
    for a, b in pairs:
        assert components.find(a) == components.find(b)
    for leader, members in groups.items():
        assert leader == min(members)
