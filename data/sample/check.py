#!/usr/bin/env python3
"""Checks the Kenes sample bundles in this folder (library.jsonl, events.jsonl, user.jsonl).

Usage: python3 data/sample/check.py [DIR]    (DIR defaults to the folder of this script)

Checks: every line is a JSON object {"id", "body"} with a "type" in the body and no "_id";
ids are unique and of the form <type>:<key>; every text for people has non-empty "en" and "ru"
(Russian in Cyrillic with « » quotes, no Cyrillic in English);
text typed by a user (notes, tasks) is a plain string; dates, local times and instants have the
documented shapes; time zones exist in the system tz database; every session's event, speakers
and linked standards (document and article) exist; sessions start before they end and lie within
their event's dates and do not overlap in one room; articles have unique ids. Prints counts per type; exits 1 on any problem.
Standard library only.
"""
import json
import os
import re
import sys
from collections import Counter
from datetime import date, datetime

try:
    from zoneinfo import ZoneInfo
except ImportError:  # Python < 3.9: the time-zone check is skipped
    ZoneInfo = None

BUNDLES = ("library.jsonl", "events.jsonl", "user.jsonl")
TYPES_BY_BUNDLE = {
    "library.jsonl": {"standard"},
    "events.jsonl": {"event", "session", "speaker"},
    "user.jsonl": {"note", "task", "star", "position"},
}
# Fields that hold text for people ({"en": …, "ru": …}); (required, optional).
LOCALIZED = {
    "event": (("title",), ("summary", "venue", "city", "programme")),
    "session": (("title",), ("abstract", "room", "track")),
    "speaker": (("name",), ("role", "organisation", "bio")),
    "standard": (("title",), ("short_title", "summary", "preamble")),
}
ARTICLE_LOCALIZED = (("text",), ("part", "heading"))
PLAIN_TEXT = {"note": ("title", "body"), "task": ("title", "details")}
SESSION_KINDS = {"talk", "workshop", "panel", "plenary", "break", "other"}
STANDARD_KINDS = {"convention", "recommendation", "protocol", "guide"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOCAL_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
INSTANT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
ID_RE = re.compile(r"^[a-z]+:[A-Za-z0-9:._-]+$")


class Checker:
    def __init__(self):
        self.problems = []
        self.docs = {}      # id -> body
        self.where = {}     # id -> "file:line"

    def bad(self, where, message):
        self.problems.append(f"{where}: {message}")

    def localized(self, where, doc, name, required):
        if name not in doc or doc[name] is None:
            if required:
                self.bad(where, f"missing field '{name}'")
            return
        value = doc[name]
        if not isinstance(value, dict):
            self.bad(where, f"'{name}' must be an object of languages {{\"en\", \"ru\"}}")
            return
        for lang in ("en", "ru"):
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.bad(where, f"'{name}' has no {lang} text")
        for lang, text in value.items():
            if not isinstance(text, str):
                self.bad(where, f"'{name}.{lang}' must be a string")
        ru, en = value.get("ru"), value.get("en")
        if isinstance(ru, str) and ru.strip():
            if '"' in ru:
                self.bad(where, f"'{name}.ru' uses straight quotes; use « »")
            if not CYRILLIC_RE.search(ru):
                self.bad(where, f"'{name}.ru' has no Cyrillic letter: untranslated?")
        if isinstance(en, str) and CYRILLIC_RE.search(en):
            self.bad(where, f"'{name}.en' contains Cyrillic: wrong language?")

    def any_localized(self, where, value, path):
        """Every object whose keys are all two-letter codes with string values is a text for people."""
        if isinstance(value, dict):
            if value and all(len(k) == 2 and isinstance(v, str) for k, v in value.items()):
                for lang in ("en", "ru"):
                    if not str(value.get(lang, "")).strip():
                        self.bad(where, f"{path} has no {lang} text")
                return
            for k, v in value.items():
                self.any_localized(where, v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self.any_localized(where, v, f"{path}[{i}]")

    def date(self, where, doc, name, required=True):
        value = doc.get(name)
        if value is None:
            if required:
                self.bad(where, f"missing date '{name}'")
            return None
        if not isinstance(value, str) or not DATE_RE.match(value):
            self.bad(where, f"'{name}' must be YYYY-MM-DD")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.bad(where, f"'{name}' is not a real date")
            return None

    def local_time(self, where, doc, name):
        value = doc.get(name)
        if not isinstance(value, str) or not LOCAL_RE.match(value):
            self.bad(where, f"'{name}' must be a local time YYYY-MM-DDTHH:MM")
            return None
        try:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M")
        except ValueError:
            self.bad(where, f"'{name}' is not a real time")
            return None

    def instant(self, where, doc, name):
        value = doc.get(name)
        if value is None:
            return
        if not isinstance(value, str) or not INSTANT_RE.match(value):
            self.bad(where, f"'{name}' must be a UTC instant YYYY-MM-DDTHH:MM:SSZ")

    def load(self, folder):
        for bundle in BUNDLES:
            path = os.path.join(folder, bundle)
            if not os.path.exists(path):
                self.bad(bundle, "file is missing")
                continue
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    where = f"{bundle}:{number}"
                    if not line.strip():
                        self.bad(where, "empty line")
                        continue
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError as e:
                        self.bad(where, f"not valid JSON ({e})")
                        continue
                    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) \
                            or not isinstance(entry.get("body"), dict):
                        self.bad(where, "a line must be an object with a string 'id' and an object 'body'")
                        continue
                    doc_id, body = entry["id"], entry["body"]
                    where = f"{where} ({doc_id})"
                    if "_id" in body:
                        self.bad(where, "body must not contain '_id'")
                    if not ID_RE.match(doc_id):
                        self.bad(where, "id must be <type>:<key>")
                    kind = body.get("type")
                    if kind not in TYPES_BY_BUNDLE[bundle]:
                        self.bad(where, f"type {kind!r} does not belong in {bundle}")
                    elif not doc_id.startswith(("std:" if kind == "standard" else kind + ":")):
                        self.bad(where, f"id does not start with the prefix of type {kind!r}")
                    if doc_id in self.docs:
                        self.bad(where, f"duplicate id, first at {self.where[doc_id]}")
                        continue
                    self.docs[doc_id] = body
                    self.where[doc_id] = where

    def check(self):
        standards = {i: d for i, d in self.docs.items() if d.get("type") == "standard"}
        for doc_id, doc in self.docs.items():
            where, kind = self.where[doc_id], doc.get("type")
            required, optional = LOCALIZED.get(kind, ((), ()))
            for name in required:
                self.localized(where, doc, name, True)
            for name in optional:
                self.localized(where, doc, name, False)
            if kind in ("event", "session", "speaker", "standard"):
                # Other texts (e.g. link titles): articles and the fields above are checked already.
                known = set(required) | set(optional) | {"articles"}
                self.any_localized(where, {k: v for k, v in doc.items() if k not in known}, doc_id)
            for name in PLAIN_TEXT.get(kind, ()):
                if name in doc and (not isinstance(doc[name], str) or not doc[name].strip()):
                    self.bad(where, f"'{name}' must be a non-empty plain string (text typed by a user)")
            getattr(self, "check_" + kind, lambda *a: None)(where, doc_id, doc, standards)
        self.check_overlaps()

    def check_standard(self, where, doc_id, doc, standards):
        if doc.get("code") != doc_id[len("std:"):]:
            self.bad(where, "'code' must match the id")
        if doc.get("kind") not in STANDARD_KINDS:
            self.bad(where, f"unknown kind {doc.get('kind')!r}")
        if not isinstance(doc.get("number"), int):
            self.bad(where, "'number' must be an integer")
        if doc.get("text_kind") not in ("official", "summary"):
            self.bad(where, "'text_kind' must be official or summary")
        if doc.get("kind") == "convention":
            adopted = self.date(where, doc, "adopted")
            in_force = self.date(where, doc, "in_force")
            if adopted and in_force and adopted >= in_force:
                self.bad(where, "entry into force must come after adoption")
        seen = set()
        for index, article in enumerate(doc.get("articles") or [], 1):
            here = f"{where} article {index}"
            if not isinstance(article, dict) or not isinstance(article.get("id"), str) or not article["id"]:
                self.bad(here, "an article needs a non-empty string 'id'")
                continue
            if article["id"] in seen:
                self.bad(here, f"duplicate article id {article['id']!r}")
            seen.add(article["id"])
            for name in ARTICLE_LOCALIZED[0]:
                self.localized(here, article, name, True)
            for name in ARTICLE_LOCALIZED[1]:
                self.localized(here, article, name, False)

    def check_event(self, where, doc_id, doc, standards):
        start, end = self.date(where, doc, "start_date"), self.date(where, doc, "end_date")
        if start and end and start > end:
            self.bad(where, "start_date is after end_date")
        tz = doc.get("timezone")
        if not isinstance(tz, str) or not tz:
            self.bad(where, "missing timezone")
        elif ZoneInfo is not None:
            try:
                ZoneInfo(tz)
            except Exception:
                self.bad(where, f"unknown IANA time zone {tz!r}")
        for index, link in enumerate(doc.get("links") or []):
            if not isinstance(link, dict) or not str(link.get("url", "")).startswith(("http://", "https://")):
                self.bad(where, f"link {index} needs an http(s) url")

    def link_exists(self, where, link, standards, what):
        if not isinstance(link, str) or not link.startswith("std:"):
            self.bad(where, f"{what} {link!r} is not a standard link std:CODE[#article]")
            return
        std_id, _, article = link.partition("#")
        standard = standards.get(std_id)
        if standard is None:
            self.bad(where, f"{what} {link!r}: no standard {std_id}")
        elif article and article not in {a.get("id") for a in standard.get("articles") or []}:
            self.bad(where, f"{what} {link!r}: {std_id} has no article {article!r}")

    def check_overlaps(self):
        """Two sessions of one event in the same room must not overlap."""
        slots = {}
        for doc_id, doc in self.docs.items():
            if doc.get("type") != "session" or doc.get("cancelled"):
                continue
            room = json.dumps(doc.get("room"), sort_keys=True, ensure_ascii=False)
            slots.setdefault((doc.get("event"), room), []).append((str(doc.get("start")), str(doc.get("end")), doc_id))
        for items in slots.values():
            items.sort()
            for (s1, e1, a), (s2, e2, b) in zip(items, items[1:]):
                if s2 < e1:
                    self.bad(self.where[b], f"overlaps {a} in the same room")

    def check_session(self, where, doc_id, doc, standards):
        event = self.docs.get(doc.get("event"))
        if not event or event.get("type") != "event":
            self.bad(where, f"event {doc.get('event')!r} does not exist")
        if doc.get("kind") not in SESSION_KINDS:
            self.bad(where, f"unknown session kind {doc.get('kind')!r}")
        for speaker in doc.get("speakers") or []:
            if self.docs.get(speaker, {}).get("type") != "speaker":
                self.bad(where, f"speaker {speaker!r} does not exist")
        for link in doc.get("standards") or []:
            self.link_exists(where, link, standards, "standard link")
        start, end = self.local_time(where, doc, "start"), self.local_time(where, doc, "end")
        if start and end and start >= end:
            self.bad(where, "start is not before end")
        if start and end and event:
            first, last = self.date(where, event, "start_date"), self.date(where, event, "end_date")
            if first and last and (start.date() < first or end.date() > last):
                self.bad(where, f"session lies outside its event's dates {first}..{last}")

    def check_note(self, where, doc_id, doc, standards):
        self.instant(where, doc, "created")
        self.instant(where, doc, "updated")
        self.check_refs(where, doc, standards)

    def check_task(self, where, doc_id, doc, standards):
        self.date(where, doc, "due", required=False)
        if not isinstance(doc.get("done"), bool):
            self.bad(where, "'done' must be true or false")
        self.instant(where, doc, "created")
        self.instant(where, doc, "updated")
        if doc.get("standard") is not None:
            self.link_exists(where, doc["standard"], standards, "standard")
        self.check_refs(where, doc, standards)

    def check_refs(self, where, doc, standards):
        for name, kind in (("event", "event"), ("session", "session")):
            ref = doc.get(name)
            if ref is not None and self.docs.get(ref, {}).get("type") != kind:
                self.bad(where, f"{name} {ref!r} does not exist")
        for link in doc.get("standards") or []:
            self.link_exists(where, link, standards, "standard link")


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    checker = Checker()
    checker.load(folder)
    checker.check()
    counts = Counter(d.get("type") for d in checker.docs.values())
    articles = sum(len(d.get("articles") or []) for d in checker.docs.values() if d.get("type") == "standard")
    links = sum(len(d.get("standards") or []) for d in checker.docs.values() if d.get("type") == "session")
    print("documents: " + ", ".join(f"{k} {counts[k]}" for k in sorted(counts)) + f" (total {sum(counts.values())})")
    print(f"articles/sections: {articles}; session → standard links: {links}")
    for p in checker.problems:
        print("PROBLEM " + p, file=sys.stderr)
    if checker.problems:
        print(f"{len(checker.problems)} problem(s)", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
