"""Load and validate protocol files (YAML, schema 1), and the set of protocols in force.

Validation is strict: unknown keys, wrong types, unknown references, duplicate keys,
YAML anchors/aliases and oversized files are refused with the file name, the line and the
reason (:class:`ProtocolError`). Conditions are compiled to closures by
:mod:`border_app.screening.expr`; nothing is ever evaluated as Python.

Updates: :meth:`ProtocolSet.with_update` accepts files only when the caller says they
were verified (the signed coordination package layer does the signature check); every
file is validated before anything changes, and the set in force is never modified.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import yaml

from ..errors import InvalidInput
from ..i18n import _
from .expr import Compiler
from .model import (
    BUILTIN_ACTIONS, IDENT, Choice, Definition, Outcome, Protocol, Question, QuestionType, Rule,
    Section, Source, Text,
)

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 256 * 1024
MAX_TEXT = 600
FILE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,47}\.yaml$")


class ProtocolError(InvalidInput):
    """A protocol file was refused: ``file``, ``line`` (1-based, 0 if unknown) and ``reason``."""

    def __init__(self, file: str, line: int, reason: str):
        if line:
            message = _("Protocol file {file}, line {line}: {reason}").format(file=file, line=line, reason=reason)
        else:
            message = _("Protocol file {file}: {reason}").format(file=file, reason=reason)
        super().__init__(message)
        self.file, self.line, self.reason = file, line, reason


# -- YAML with line numbers -------------------------------------------------------------

class MDict(dict):
    line = 0
    key_lines: dict

class MList(list):
    line = 0
    item_lines: list


class _YamlRefused(Exception):
    def __init__(self, line, reason):
        super().__init__(reason)
        self.line, self.reason = line, reason


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):  # refuse aliases (no billion laughs)
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _YamlRefused(event.start_mark.line + 1, _("YAML anchors and aliases are not allowed"))
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise _YamlRefused(event.start_mark.line + 1, _("YAML anchors and aliases are not allowed"))
        return super().compose_node(parent, index)


def _construct_mapping(loader, node):
    result = MDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise _YamlRefused(line, _("keys must be plain text"))
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise _YamlRefused(line, _("keys must be text, not {value!r}").format(value=key))
        if key in result:
            raise _YamlRefused(line, _("the key \"{key}\" appears twice").format(key=key))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader, node):
    result = MList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

_FastLoader: type[yaml.CSafeLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _LibyamlLoader(yaml.CSafeLoader):
        """libyaml parser (about 5x faster); anchors are refused by a first pass over events."""

    _LibyamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _LibyamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _FastLoader = _LibyamlLoader


def _load(text: str):
    if _FastLoader is None:  # pragma: no cover
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark is not None else 1
            raise _YamlRefused(line, _("YAML anchors and aliases are not allowed"))
    return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - CSafeLoader subclass


def _parse_yaml(name: str, data: bytes):
    if len(data) > MAX_FILE_BYTES:
        raise ProtocolError(name, 0, _("the file is larger than {size} KB").format(size=MAX_FILE_BYTES // 1024))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ProtocolError(name, line, _("the file is not UTF-8 text")) from None
    try:
        return _load(text)
    except _YamlRefused as exc:
        raise ProtocolError(name, exc.line, exc.reason) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise ProtocolError(name, line, _("invalid YAML: {problem}").format(problem=exc.problem or exc)) from None
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        raise ProtocolError(name, 0, _("invalid YAML: {problem}").format(problem=type(exc).__name__)) from None


# -- validation ---------------------------------------------------------------------------

@dataclass
class _QInfo:
    type: QuestionType
    choice_values: tuple[str, ...]
    index: int


class _Ctx:
    def __init__(self, name):
        self.name = name

    def fail(self, line, reason):
        raise ProtocolError(self.name, int(line or 0), reason)


APPLICABILITY = ("standing", "outbreak")
TOP_KEYS = {"schema": True, "id": True, "version": True, "published": True, "applicability": False,
            "title": True, "summary": False,
            "sources": True, "questions": True, "definitions": False, "rules": True, "actions": False}
QUESTION_KEYS = {"id": True, "type": True, "label": True, "section": True, "help": False, "unit": False,
                 "min": False, "max": False, "decimals": False, "choices": False, "required": False,
                 "applies_to": False, "show_if": False}
RULE_KEYS = {"id": True, "when": True, "outcome": True, "reason": True, "actions": False}
DEFINITION_KEYS = {"id": True, "when": True, "label": False}
APPLIES_KEYS = {"min_age_months": False, "under_age_months": False, "sex": False}


class _Validator:
    def __init__(self, name: str, data: bytes):
        self.name = name
        self.data = data
        self.ctx = _Ctx(name)

    def fail(self, line, reason):
        self.ctx.fail(line, reason)

    def keys(self, node, line, allowed: Mapping[str, bool], what: str):
        if not isinstance(node, dict):
            self.fail(getattr(node, "line", line), _("{what} must be a mapping").format(what=what))
        for key in node:
            if key not in allowed:
                self.fail(node.key_lines[key], _("unknown key \"{key}\" in {what}; allowed: {keys}").format(
                    key=key, what=what, keys=", ".join(allowed)))
        for key, required in allowed.items():
            if required and key not in node:
                self.fail(node.line, _("{what}: the key \"{key}\" is missing").format(what=what, key=key))

    def ident(self, value, line, what):
        if not isinstance(value, str) or not IDENT.match(value):
            self.fail(line, _("{what} must be an identifier (lower-case letters, digits and _, starting with a letter)")
                      .format(what=what))
        return value

    def text(self, node, line, what) -> Text:
        if not isinstance(node, dict):
            self.fail(line, _("{what} must give the text in French and English ({{fr: ..., en: ...}})")
                            .format(what=what))
        self.keys(node, line, {"fr": True, "en": True}, what)
        for lang in ("fr", "en"):
            value = node[lang]
            if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
                self.fail(node.key_lines[lang], _("{what} ({lang}) must be a non-empty text of at most {n} characters")
                          .format(what=what, lang=lang, n=MAX_TEXT))
        return Text(fr=node["fr"].strip(), en=node["en"].strip())

    def items(self, node, line, what, max_items=200):
        if not isinstance(node, list):
            self.fail(getattr(node, "line", line), _("{what} must be a list").format(what=what))
        if len(node) > max_items:
            self.fail(node.line, _("{what}: at most {n} entries").format(what=what, n=max_items))
        return list(zip(node, node.item_lines, strict=True))

    def number(self, value, line, what):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(line, _("{what} must be a number").format(what=what))
        return float(value)

    def run(self) -> Protocol:
        doc = _parse_yaml(self.name, self.data)
        if not isinstance(doc, dict):
            self.fail(getattr(doc, "line", 1), _("the file must contain a mapping (id, version, questions, rules...)"))
        self.keys(doc, 1, TOP_KEYS, _("the protocol"))
        kl = doc.key_lines
        if doc["schema"] != SCHEMA_VERSION or isinstance(doc["schema"], bool):
            self.fail(kl["schema"], _("unsupported schema {value!r}: this version reads schema {n}").format(
                value=doc["schema"], n=SCHEMA_VERSION))
        pid = self.ident(doc["id"], kl["id"], "id")
        if self.name.endswith(".yaml") and self.name[:-5] != pid:
            self.fail(kl["id"], _("the id \"{id}\" must match the file name ({file})").format(id=pid, file=self.name))
        version = doc["version"]
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 1_000_000:
            self.fail(kl["version"], _("version must be a whole number from 1 (increase it at every change)"))
        published = doc["published"]
        if not isinstance(published, date):
            self.fail(kl["published"], _("published must be a date written YYYY-MM-DD"))
        applicability = doc.get("applicability", "outbreak")
        if applicability not in APPLICABILITY:
            self.fail(kl["applicability"], _("applicability must be one of {values}")
                                           .format(values=", ".join(APPLICABILITY)))
        title = self.text(doc["title"], kl["title"], "title")
        summary = self.text(doc["summary"], kl["summary"], "summary") if "summary" in doc else None
        sources = []
        for node, line in self.items(doc["sources"], kl["sources"], "sources", 40):
            self.keys(node, line, {"key": True, "url": True, "title": False}, _("a source"))
            for k in node:
                if not isinstance(node[k], str) or not node[k].strip():
                    self.fail(node.key_lines[k], _("{what} must be a non-empty text").format(what=k))
            sources.append(Source(key=node["key"], url=node["url"], title=node.get("title", "")))
        if not sources:
            self.fail(kl["sources"], _("cite at least one source"))

        actions: dict[str, Text] = {}
        if "actions" in doc:
            if not isinstance(doc["actions"], dict):
                self.fail(kl["actions"], _("{what} must be a mapping").format(what="actions"))
            for aid, label in doc["actions"].items():
                line = doc["actions"].key_lines[aid]
                actions[self.ident(aid, line, _("an action id"))] = self.text(label, line, aid)

        questions, infos = self.questions(doc["questions"], kl["questions"], pid)
        compiler = Compiler(self.ctx, infos)
        compiled_questions = []
        for (q, node, _line) in questions:
            applies = self.applies_to(node["applies_to"], node.key_lines["applies_to"], compiler) \
                if "applies_to" in node else None
            show_if = None
            refs: frozenset[str] = frozenset()
            if "show_if" in node:
                compiler.visible_before = infos[q["id"]].index
                compiler.refs = set()
                show_if = compiler.condition(node["show_if"], node.key_lines["show_if"])
                refs = frozenset(compiler.refs)
                compiler.visible_before = None
            compiled_questions.append(Question(applies_to=applies, show_if=show_if, show_if_refs=refs, **q))

        definitions = []
        defs_node = doc["definitions"] if "definitions" in doc else _empty()
        for node, line in self.items(defs_node, kl.get("definitions", 1), "definitions"):
            self.keys(node, line, DEFINITION_KEYS, _("a definition"))
            did = self.ident(node["id"], node.key_lines["id"], _("a definition id"))
            if did in compiler.definitions:
                self.fail(node.key_lines["id"], _("the definition \"{id}\" is declared twice").format(id=did))
            when = compiler.condition(node["when"], node.key_lines["when"])
            label = self.text(node["label"], node.key_lines["label"], "label") if "label" in node else None
            definitions.append(Definition(id=did, when=when, label=label, line=line))
            compiler.definitions.add(did)

        rules = []
        seen_rules: set[str] = set()
        for node, line in self.items(doc["rules"], kl["rules"], "rules"):
            self.keys(node, line, RULE_KEYS, _("a rule"))
            rid = self.ident(node["id"], node.key_lines["id"], _("a rule id"))
            if rid in seen_rules:
                self.fail(node.key_lines["id"], _("the rule \"{id}\" is declared twice").format(id=rid))
            seen_rules.add(rid)
            try:
                outcome = Outcome(node["outcome"])
            except ValueError:
                self.fail(node.key_lines["outcome"], _("outcome must be one of {values}").format(
                    values=", ".join(o.value for o in Outcome)))
            reason = self.text(node["reason"], node.key_lines["reason"], "reason")
            rule_actions = []
            if "actions" in node:
                for aid, aline in self.items(node["actions"], node.key_lines["actions"], "actions", 20):
                    if not isinstance(aid, str) or (aid not in actions and aid not in BUILTIN_ACTIONS):
                        self.fail(aline, _("unknown action \"{id}\"; declare it under actions, or use one of: {ids}")
                                         .format(id=aid, ids=", ".join(sorted(BUILTIN_ACTIONS))))
                    rule_actions.append(aid)
            when = compiler.condition(node["when"], node.key_lines["when"])
            rules.append(Rule(id=rid, when=when, outcome=outcome, reason=reason, actions=tuple(rule_actions),
                              line=line))
        if not rules:
            self.fail(kl["rules"], _("a protocol needs at least one rule"))

        return Protocol(
            id=pid, version=version, published=published, applicability=applicability, title=title, summary=summary,
            questions=tuple(compiled_questions), definitions=tuple(definitions), rules=tuple(rules),
            sources=tuple(sources), actions=MappingProxyType(actions),
            digest=hashlib.sha256(self.data).hexdigest(), file_name=self.name,
        )

    def questions(self, node, line, pid):
        out = []
        infos: dict[str, _QInfo] = {}
        for index, (q, qline) in enumerate(self.items(node, line, "questions")):
            self.keys(q, qline, QUESTION_KEYS, _("a question"))
            kl = q.key_lines
            qid = self.ident(q["id"], kl["id"], _("a question id"))
            if qid in infos:
                self.fail(kl["id"], _("the question \"{id}\" is declared twice").format(id=qid))
            try:
                qtype = QuestionType(q["type"])
            except ValueError:
                self.fail(kl["type"], _("type must be one of {values}")
                                      .format(values=", ".join(t.value for t in QuestionType)))
            try:
                section = Section(q["section"])
            except ValueError:
                self.fail(kl["section"], _("section must be one of {values}")
                                         .format(values=", ".join(s.value for s in Section)))
            fields: dict[str, Any] = dict(id=qid, type=qtype, section=section, protocol_id=pid, line=qline,
                                          label=self.text(q["label"], kl["label"], "label"))
            if "help" in q:
                fields["help"] = self.text(q["help"], kl["help"], "help")
            if "required" in q:
                if not isinstance(q["required"], bool):
                    self.fail(kl["required"], _("{what} must be true or false").format(what="required"))
                fields["required"] = q["required"]
            number_keys = ("unit", "min", "max", "decimals")
            if qtype is QuestionType.NUMBER:
                for k in ("min", "max"):
                    if k not in q:
                        self.fail(qline, _("a number question needs \"{key}\" (the allowed range)").format(key=k))
                lo, hi = self.number(q["min"], kl["min"], "min"), self.number(q["max"], kl["max"], "max")
                if lo >= hi:
                    self.fail(kl["max"], _("max must be greater than min"))
                fields.update(minimum=lo, maximum=hi)
                if "unit" in q:
                    if not isinstance(q["unit"], str) or not 0 < len(q["unit"]) <= 16:
                        self.fail(kl["unit"], _("unit must be a short text, e.g. °C"))
                    fields["unit"] = q["unit"]
                if "decimals" in q:
                    d = q["decimals"]
                    if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 3:
                        self.fail(kl["decimals"], _("decimals must be a whole number from 0 to 3"))
                    fields["decimals"] = d
            else:
                for k in number_keys:
                    if k in q:
                        self.fail(kl[k], _("\"{key}\" is only allowed for number questions").format(key=k))
            choice_values: tuple[str, ...] = ()
            if qtype in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
                if "choices" not in q:
                    self.fail(qline, _("a {type} question needs \"choices\"").format(type=qtype.value))
                choices: list[Choice] = []
                for c, cline in self.items(q["choices"], kl["choices"], "choices", 60):
                    self.keys(c, cline, {"value": True, "label": True}, _("a choice"))
                    value = self.ident(c["value"], c.key_lines["value"], _("a choice value"))
                    if value in {x.value for x in choices}:
                        self.fail(c.key_lines["value"], _("the choice \"{value}\" is listed twice").format(value=value))
                    choices.append(Choice(value=value, label=self.text(c["label"], c.key_lines["label"], "label")))
                if not choices:
                    self.fail(kl["choices"], _("give at least one choice"))
                fields["choices"] = tuple(choices)
                choice_values = tuple(c.value for c in choices)
            elif "choices" in q:
                self.fail(kl["choices"], _("\"choices\" is only allowed for choice and multi_choice questions"))
            infos[qid] = _QInfo(type=qtype, choice_values=choice_values, index=index)
            out.append((fields, q, qline))
        if len(out) > 200:
            self.fail(line, _("{what}: at most {n} entries").format(what="questions", n=200))
        return out, infos

    def applies_to(self, node, line, compiler: Compiler):
        self.keys(node, line, APPLIES_KEYS, "applies_to")
        if not node:
            self.fail(line, _("applies_to is empty"))
        parts = []
        for key, op in (("min_age_months", "gte"), ("under_age_months", "lt")):
            if key in node:
                value = node[key]
                kline = node.key_lines[key]
                if isinstance(value, dict):
                    bound, kind = compiler.value(value, kline)
                    if kind != "number":
                        self.fail(kline, _("{what} must be a number").format(what=key))
                else:
                    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1500:
                        self.fail(kline, _("{what} must be a whole number of months or {{setting: ...}}")
                                         .format(what=key))
                    bound = (lambda v: (lambda env: v))(value)
                age = compiler.value({"var": "age_months"}, kline)[0]
                from .expr import _compare
                parts.append(_compare(op, age, bound))
        if "sex" in node:
            sexes = node["sex"]
            if not isinstance(sexes, list) or not sexes or any(s not in ("M", "F", "X") for s in sexes):
                self.fail(node.key_lines["sex"], _("sex must be a list of M, F, X"))
            allowed = frozenset(sexes)
            parts.append(lambda env: None if env.sex is None else env.sex in allowed)
        from .expr import _all
        return _all(parts)


def _empty():
    m = MList()
    m.line = 1
    m.item_lines = []
    return m


def parse_protocol(name: str, data: bytes) -> Protocol:
    """Validate and compile one protocol file (``name`` is its file name, for messages)."""
    return _Validator(name, data).run()


# -- the set in force ---------------------------------------------------------------------

class ProtocolSet:
    """The protocols installed on this post, by id (immutable; updates make a new set)."""

    def __init__(self, protocols: Iterable[Protocol]):
        self._by_id: dict[str, Protocol] = {}
        for p in protocols:
            self._by_id[p.id] = p
        _check_compatible(list(self._by_id.values()))

    def __iter__(self):
        return iter(self._by_id.values())

    def __len__(self):
        return len(self._by_id)

    def __contains__(self, pid):
        return pid in self._by_id

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def get(self, pid: str) -> Protocol:
        try:
            return self._by_id[pid]
        except KeyError:
            raise InvalidInput(_("Unknown protocol \"{id}\"; installed: {ids}").format(
                id=pid, ids=", ".join(self._by_id) or "-")) from None

    def select(self, ids: Iterable[str]) -> list[Protocol]:
        """The active protocols, in the order given (duplicates dropped)."""
        seen, out = set(), []
        for pid in ids:
            if pid not in seen:
                seen.add(pid)
                out.append(self.get(pid))
        return out

    def with_update(self, files: Mapping[str, bytes], *, verified: bool) -> "ProtocolSet":
        """A new set with ``files`` (name -> bytes) replacing or adding protocols.

        Refused unless ``verified`` (the coordination package's signature was checked by
        the caller). All files are validated first; on any error nothing changes.
        A protocol may not go back to an older version, nor change without a new version.
        """
        if verified is not True:
            raise ProtocolError("-", 0, _("protocol updates are accepted only inside a signed coordination package"))
        if not files:
            raise ProtocolError("-", 0, _("the update contains no protocol file"))
        new: dict[str, Protocol] = {}
        for name in sorted(files):
            if not isinstance(name, str) or not FILE_NAME.match(name):
                raise ProtocolError(str(name)[:60], 0,
                                         _("file names must look like name.yaml (lower-case letters, digits, _)"))
            data = files[name]
            if not isinstance(data, (bytes, bytearray)):
                raise ProtocolError(name, 0, _("the file content must be bytes"))
            protocol = parse_protocol(name, bytes(data))
            current = self._by_id.get(protocol.id)
            if current is not None:
                if protocol.version < current.version:
                    raise ProtocolError(name, 0, _("version {new} is older than the version in force ({old}); refused")
                                        .format(new=protocol.version, old=current.version))
                if protocol.version == current.version and protocol.digest != current.digest:
                    raise ProtocolError(name, 0, _("the content changed but the version ({version}) did not; refused")
                                        .format(version=protocol.version))
            new[protocol.id] = protocol
        merged = dict(self._by_id)
        merged.update(new)
        return ProtocolSet(merged.values())


def _check_compatible(protocols: list[Protocol]) -> None:
    """Questions with the same id in several protocols must have the same type and unit."""
    seen: dict[str, Question] = {}
    for p in protocols:
        for q in p.questions:
            first = seen.get(q.id)
            if first is None:
                seen[q.id] = q
                continue
            if (first.type is not q.type or first.unit != q.unit
                    or (first.minimum, first.maximum) != (q.minimum, q.maximum)):
                raise ProtocolError(p.file_name or p.id, q.line, _(
                    "the question \"{id}\" is also declared in protocol \"{other}\" with another type, unit or range")
                    .format(id=q.id, other=first.protocol_id))


def shipped_files() -> dict[str, bytes]:
    folder = resources.files("resources").joinpath("protocols")
    return {entry.name: entry.read_bytes() for entry in sorted(folder.iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".yaml")}


def default_active_protocols(protocols: ProtocolSet | None = None) -> list[str]:
    """The protocols a post has enabled until its administrator chooses: those whose file
    says they apply at every crossing (``applicability: standing``: the general screening,
    Niger's yellow fever certificate), in file order; outbreak protocols wait for an outbreak."""
    if protocols is None:
        try:
            protocols = load_protocols()
        except ProtocolError:  # pragma: no cover - the shipped files are tested
            return ["general"]
    return [p.id for p in protocols if p.applicability == "standing"] or ["general"]


def load_protocols(dirs: Iterable[str | Path] | None = None) -> ProtocolSet:
    """The shipped protocols (``resources/protocols``), or those in ``dirs`` (for tests and
    for coordinators trying protocols out). An invalid file raises :class:`ProtocolError`."""
    if dirs is None:
        files = [shipped_files()]
    else:
        files = []
        for d in dirs:
            d = Path(d)
            if not d.is_dir():
                raise InvalidInput(_("Protocol folder not found: {path}").format(path=d))
            group = {}
            for p in sorted(d.glob("*.yaml")):
                if p.stat().st_size > MAX_FILE_BYTES:
                    raise ProtocolError(p.name, 0, _("the file is larger than {size} KB")
                                                   .format(size=MAX_FILE_BYTES // 1024))
                group[p.name] = p.read_bytes()
            files.append(group)
    protocols: dict[str, Protocol] = {}
    for group in files:
        for name, data in group.items():
            protocol = parse_protocol(name, data)
            protocols[protocol.id] = protocol
    return ProtocolSet(protocols.values())
