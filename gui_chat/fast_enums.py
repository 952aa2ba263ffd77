"""Quicker creation of the enum classes PySide makes.

PySide builds a Python enum class for every enum of every Qt class it wraps, the first
time that class is used: about 260 classes with 3,300 members before the window shows.
Python 3.11 makes each through :class:`enum.EnumType`'s general machinery (a special
class dictionary, one ``__set_name__`` call and several checks per member), which took
a quarter of the start-up time.

:func:`install` gives ``EnumType._create_`` (the functional API, ``Enum(name, pairs)``,
which is what PySide calls) a direct path for the case PySide uses: a plain ``Enum``,
``IntEnum``, ``Flag`` or ``IntFlag`` made from a list of ``(name, int)`` pairs. It
builds the very class the general path builds, in the way the standard library's own
``enum._simple_enum`` does, with the members stored on the class as the general path
stores them. Every other call goes the general way. ``tests/test_fast_enums.py``
checks the two against each other for every enum of QtCore, QtGui and QtWidgets.
"""

from __future__ import annotations

import builtins
import enum
import sys
from typing import Any

#: The Python whose enum module the direct path reproduces.
CHECKED_ON = (3, 11)
#: The classes the direct path makes subclasses of.
KINDS = (enum.Enum, enum.IntEnum, enum.Flag, enum.IntFlag)
#: Flag's operators, which the general path copies into every Flag class.
_FLAG_OPERATORS = ("__or__", "__and__", "__xor__", "__ror__", "__rand__", "__rxor__", "__invert__")
#: Methods the general path points back at the enum's own when a mixin would win.
_OWN_METHODS = ("__repr__", "__str__", "__format__", "__reduce_ex__")

_general_create = enum.EnumType._create_


class _Kind:
    """What the general path works out for every class made from one of :data:`KINDS`."""

    def __init__(self, kind: type[enum.Enum]) -> None:
        metaclass = type(kind)
        member_type, first_enum = metaclass._get_mixins_(kind.__name__, (kind,))
        new_member, _save_new, use_args = metaclass._find_new_({}, member_type, first_enum)
        self.kind = kind
        self.is_flag = issubclass(kind, enum.Flag)
        self.member_type = member_type
        self.new_member = new_member
        self.use_args = use_args
        self.value_repr = metaclass._find_data_repr_(kind.__name__, (kind,))
        #: Names a member may not take without the general path's special handling.
        self.taken = {"mro", ""}.union(*(vars(base) for base in kind.__mro__))


#: What the general path works out, for each of :data:`KINDS`.
KIND_INFO = {kind: _Kind(kind) for kind in KINDS}


def _plain_pairs(names: Any, taken: set[str]) -> bool:
    """Whether ``names`` is a list of distinct ``(name, int)`` pairs with ordinary names."""
    if type(names) is not list:
        return False
    seen = set()
    for item in names:
        if type(item) is not tuple or len(item) != 2:
            return False
        name, value = item
        if type(name) is not str or type(value) is not int:
            return False
        if name[:1] == "_" or name in taken or name in seen:
            return False
        seen.add(name)
    return True


def _create(
    cls: type,
    class_name: str,
    names: Any = None,
    *,
    module: str | None = None,
    qualname: str | None = None,
    type: type | None = None,  # (the name enum's functional API gives it)
    start: int = 1,
    boundary: enum.FlagBoundary | None = None,
) -> type:
    """``EnumType._create_``, with the direct path for :data:`KINDS` and plain pairs."""
    if module is None:  # the calling module, found as the general path finds it
        try:
            module = sys._getframe(2).f_globals["__name__"]
        except (AttributeError, ValueError, KeyError):
            module = None
    info = KIND_INFO.get(cls)
    plain = info and type is None and qualname is None and start == 1 and module
    if plain and _plain_pairs(names, info.taken):
        return build(info, class_name, names, module, boundary)
    return _general_create(
        cls,
        class_name,
        names,
        module=module,
        qualname=qualname,
        type=type,
        start=start,
        boundary=boundary,
    )


def build(
    info: _Kind,
    class_name: str,
    pairs: list[tuple[str, int]],
    module: str,
    boundary: enum.FlagBoundary | None,
) -> type:
    """The enum class ``info.kind(class_name, pairs)`` as the general path makes it."""
    kind = info.kind
    member_names: list[str] = []
    member_map: dict[str, Any] = {}
    value_map: dict[int, Any] = {}
    body: dict[str, Any] = {
        "__module__": module,
        "_generate_next_value_": kind._generate_next_value_,
        "_new_member_": info.new_member,
        "_use_args_": info.use_args,
        "_member_names_": member_names,
        "_member_map_": member_map,
        "_value2member_map_": value_map,
        "_unhashable_values_": [],
        "_member_type_": info.member_type,
        "_value_repr_": info.value_repr,
    }
    if info.is_flag:
        body["_boundary_"] = boundary or kind._boundary_
        body["_flag_mask_"] = body["_singles_mask_"] = body["_all_bits_"] = 0
        body["_inverted_"] = None
        for name in _FLAG_OPERATORS:
            body[name] = getattr(enum.Flag, name)
    enum_class = builtins.type(class_name, (kind,), body, _simple=True)
    for name in _OWN_METHODS:
        found = getattr(enum_class, name)
        if found in (getattr(info.member_type, name), getattr(object, name)):
            setattr(enum_class, name, getattr(kind, name))
    enum_class.__new__ = enum.Enum.__new__

    new_member, use_args, is_flag = info.new_member, info.use_args, info.is_flag
    set_attribute = builtins.type.__setattr__
    flag_mask = singles_mask = 0
    for name, value in pairs:
        member = value_map.get(value)
        if member is None:  # not an alias of an earlier member
            member = new_member(enum_class, value) if use_args else new_member(enum_class)
            member._value_ = value
            member._name_ = name
            member.__objclass__ = enum_class
            member.__init__(value)
            member._sort_order_ = len(member_names)
            value_map[value] = member
            if not is_flag or enum._is_single_bit(value):
                member_names.append(name)
        if is_flag:
            flag_mask |= value
            if enum._is_single_bit(value):
                singles_mask |= value
        set_attribute(enum_class, name, member)
        member_map[name] = member
    if is_flag:
        enum_class._flag_mask_ = flag_mask
        enum_class._singles_mask_ = singles_mask
        enum_class._all_bits_ = 2 ** flag_mask.bit_length() - 1
        values = [member._value_ for member in enum_class]
        if values != sorted(values):
            enum_class._iter_member_ = enum_class._iter_member_by_def_
    return enum_class


def install() -> bool:
    """Use the direct path from now on, before PySide is imported; ``True`` if it is used.

    Only on the Python the direct path was checked against: another version's enum
    module may build its classes differently.
    """
    if sys.version_info[:2] != CHECKED_ON:
        return False
    enum.EnumType._create_ = _create  # type: ignore[method-assign]
    return True


def installed() -> bool:
    """Whether enum classes are made the direct way."""
    return enum.EnumType._create_ is _create
