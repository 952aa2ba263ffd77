"""The direct way of making enum classes builds the very classes Python's own way builds."""

from __future__ import annotations

import enum
import pickle
import sys
from typing import Any

import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from gui_chat import __main__ as entry
from gui_chat import fast_enums

pytestmark = pytest.mark.skipif(
    sys.version_info[:2] != fast_enums.CHECKED_ON, reason="the direct path is off here"
)

KINDS_BY_SPECIFICITY = (enum.IntFlag, enum.Flag, enum.IntEnum, enum.Enum)

#: Made through the functional API, as PySide makes its enums (and picklable from here).
Sample = enum.IntFlag("Sample", [("READ", 4), ("WRITE", 2), ("EXEC", 1), ("ALL", 7)])


def qt_enums() -> list[type[enum.Enum]]:
    """Every enum class of QtCore, QtGui and QtWidgets and of their classes."""
    found: dict[type, None] = {}

    def walk(owner: Any, depth: int) -> None:
        for name in dir(owner):
            value = getattr(owner, name, None)
            if not isinstance(value, type) or not value.__module__.startswith("PySide6"):
                continue
            if isinstance(value, enum.EnumType):
                found[value] = None
            elif depth < 2:
                walk(value, depth + 1)

    for module in (QtCore, QtGui, QtWidgets):
        walk(module, 0)
    return list(found)


def both_ways(model: type[enum.Enum]) -> tuple[type, type]:
    """``model``'s members made into a class by Python's own way and by the direct way."""
    kind = next(kind for kind in KINDS_BY_SPECIFICITY if issubclass(model, kind))
    pairs = [(name, member._value_) for name, member in model.__members__.items()]
    keep = enum.FlagBoundary.KEEP  # what PySide asks for
    general = fast_enums._general_create(
        kind, model.__name__, pairs, module=model.__module__, boundary=keep
    )
    direct = fast_enums.build(
        fast_enums.KIND_INFO[kind], model.__name__, pairs, model.__module__, keep
    )
    return general, direct


def class_dict(made: type) -> dict[str, Any]:
    """The class's own attributes, with members, maps and bound methods made comparable."""
    described: dict[str, Any] = {}
    for key, value in vars(made).items():
        if key in ("_member_map_", "_value2member_map_"):
            described[key] = [(k, m._name_, m._value_) for k, m in value.items()]
        elif isinstance(value, made):
            described[key] = (value._name_, value._value_, value._sort_order_, sorted(vars(value)))
        elif hasattr(value, "__func__"):
            described[key] = ("bound", value.__func__)
        else:
            described[key] = value
    return described


def outcome(action: Any) -> str:
    try:
        return repr(action())
    except Exception as exc:  # the two ways must fail alike too
        return f"raises {exc!r}"


def behaviour(made: type) -> list[str]:
    """What using the class shows: iteration, texts, lookups, reduction, flag operations."""
    seen = [outcome(lambda: list(made)), outcome(lambda: len(made))]
    members = list(made.__members__.values())
    for member in members:
        seen += [
            str(member),
            format(member),
            repr(member),
            outcome(lambda m=member: made(m._value_)),
        ]
        seen.append(repr(member.__reduce_ex__(4)[1]))
    if issubclass(made, enum.Flag):
        values = [member._value_ for member in members][:6]
        for a in values:
            seen.append(outcome(lambda a=a: ~made(a)))
            for b in values:
                seen.append(outcome(lambda a=a, b=b: (made(a) | made(b), list(made(a) | made(b)))))
                seen.append(outcome(lambda a=a, b=b: made(a) & made(b)))
        seen.append(outcome(lambda: made(0)))
    return seen


def test_every_qt_enum_comes_out_the_same_both_ways():
    models = qt_enums()
    assert len(models) > 500  # the walk found Qt's enums
    differ = []
    for model in models:
        general, direct = both_ways(model)
        if class_dict(general) != class_dict(direct) or behaviour(general) != behaviour(direct):
            differ.append(model.__qualname__)
    assert differ == []


def test_aliases_and_multi_bit_flags_keep_their_places():
    general, direct = both_ways(QtCore.QLocale.Country)  # AnyCountry is AnyTerritory
    assert direct.AnyCountry is direct.AnyTerritory
    assert list(direct.__members__) == list(general.__members__)
    general, direct = both_ways(QtCore.Qt.AlignmentFlag)  # AlignCenter is two bits
    assert direct._member_names_ == general._member_names_
    assert direct.AlignCenter._sort_order_ == general.AlignCenter._sort_order_
    assert (direct._flag_mask_, direct._singles_mask_, direct._all_bits_) == (
        general._flag_mask_,
        general._singles_mask_,
        general._all_bits_,
    )


def test_members_are_stored_on_the_class_not_looked_up_through_a_property():
    _, direct = both_ways(QtCore.Qt.Key)
    assert type(vars(direct)["Key_A"]) is direct


def test_an_enum_made_the_direct_way_pickles_and_combines():
    assert fast_enums.installed()  # conftest installs it, as the app does
    assert vars(Sample)["READ"] is Sample.READ
    assert pickle.loads(pickle.dumps(Sample.READ | Sample.WRITE)) == Sample.READ | Sample.WRITE
    assert Sample.ALL == 7 and list(Sample.ALL) == [Sample.READ, Sample.WRITE, Sample.EXEC]
    assert Sample.__module__ == __name__


@pytest.mark.parametrize(
    ("kind", "names", "options"),
    [
        (enum.Enum, "RED GREEN", {}),  # names only: numbered
        (enum.Enum, [("_hidden", 1)], {}),
        (enum.IntEnum, [("real", 1)], {}),  # int.real: a name the general way handles
        (enum.Enum, [("A", 1)], {"type": int}),
        (enum.Flag, [("A", 1)], {"boundary": enum.FlagBoundary.STRICT}),
    ],
)
def test_other_uses_of_the_functional_api_come_out_as_before(monkeypatch, kind, names, options):
    made = kind("Other", names, **options)
    monkeypatch.setattr(enum.EnumType, "_create_", fast_enums._general_create)
    before = kind("Other", names, **options)
    assert class_dict(made).keys() == class_dict(before).keys()
    assert behaviour(made) == behaviour(before)


def test_a_name_given_twice_is_refused_as_python_refuses_it():
    with pytest.raises(TypeError, match="already defined"):
        enum.Enum("Twice", [("A", 1), ("A", 2)])


def test_the_app_uses_the_direct_way_from_its_first_line(monkeypatch):
    monkeypatch.setattr(enum.EnumType, "_create_", fast_enums._general_create)
    with pytest.raises(SystemExit):
        entry.main(["--version"])
    assert fast_enums.installed()
