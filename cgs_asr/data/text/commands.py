"""Sentences for the ASR task: a spoken command-and-query language.

Domains: home control, in-car control and navigation, media, a personal
assistant, travel queries, general information, connected digit strings
(phone numbers, codes, flight numbers, bare digit strings), clipped queries
("weather in boston tomorrow"), answers to follow-up questions ("to denver",
"seven thirty p m") and short replies.

The text comes from a small probabilistic grammar (:class:`Grammar`) written
for this project; no sentence is taken from an existing corpus. Its breadth
is tuned so that a Kneser-Ney trigram trained on 5000 sentences has a test
perplexity of about 25: a real recognition task, not a constrained one.
"""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import wordlists as wl

MAX_WORDS = 15


@dataclass(frozen=True)
class _RuleRef:
    name: str


@dataclass(frozen=True)
class _Optional:
    item: object


@dataclass(frozen=True)
class _Choice:
    """Pick one alternative (a tuple of items) with the given cumulative weights."""

    alternatives: tuple[tuple[object, ...], ...]
    cum_weights: tuple[float, ...]


def _uniform_choice(alternatives: Sequence[tuple[object, ...]]) -> _Choice:
    return _Choice(tuple(alternatives), tuple(float(i + 1) for i in range(len(alternatives))))


_TOKEN = re.compile(r"\s*(?:([()|?])|<([a-z_][a-z0-9_]*)>|([a-z][a-z']*))")


class Grammar:
    """A probabilistic grammar whose rules are written as plain strings.

    ``rules`` maps a rule name to its alternatives; an alternative is a string,
    or a ``(weight, string)`` pair (plain strings weigh 1). In a string:

    - ``word`` emits the word, ``<name>`` expands the rule ``name``;
    - ``(a b | c)`` emits one of its alternatives, uniformly;
    - a ``?`` after a word, rule or group makes it optional (kept with
      probability 1/2).

    The empty string is a valid alternative (emits nothing); it gives an
    optional phrase a probability other than 1/2.
    """

    def __init__(self, rules: Mapping[str, Sequence[str | tuple[float, str]]], start: str):
        self.start = start
        self._rules: dict[str, _Choice] = {}
        for name, alternatives in rules.items():
            parsed, cum_weights, total = [], [], 0.0
            for alternative in alternatives:
                weight, text = alternative if isinstance(alternative, tuple) else (1.0, alternative)
                total += weight
                cum_weights.append(total)
                parsed.append(self._parse(name, text))
            self._rules[name] = _Choice(tuple(parsed), tuple(cum_weights))
        if start not in self._rules:
            raise ValueError(f"start rule {start!r} is not defined")
        checked: set[str] = set()
        for name in self._rules:  # raises on a reference to an undefined rule
            self._words_and_refs(_RuleRef(name), set(), checked, name)

    # --- parsing ---

    @staticmethod
    def _parse(rule: str, text: str) -> tuple[object, ...]:
        tokens, pos = [], 0
        while pos < len(text.rstrip()):
            match = _TOKEN.match(text, pos)
            if not match:
                raise ValueError(f"rule {rule!r}: cannot read {text[pos:].strip()!r} in {text!r}")
            tokens.append(match.groups())
            pos = match.end()

        def sequence(i: int) -> tuple[tuple[object, ...], int]:
            items: list[object] = []
            while i < len(tokens) and tokens[i][0] not in (")", "|"):
                symbol, ref, word = tokens[i]
                if symbol == "(":
                    alternatives = []
                    while True:
                        alternative, i = sequence(i + 1)
                        alternatives.append(alternative)
                        if i >= len(tokens):
                            raise ValueError(f"rule {rule!r}: unclosed '(' in {text!r}")
                        if tokens[i][0] == ")":
                            break
                    items.append(_uniform_choice(alternatives))
                elif symbol == "?":
                    if not items or isinstance(items[-1], _Optional):
                        raise ValueError(f"rule {rule!r}: '?' follows nothing in {text!r}")
                    items[-1] = _Optional(items[-1])
                else:
                    items.append(_RuleRef(ref) if ref else word)
                i += 1
            return tuple(items), i

        items, end = sequence(0)
        if end != len(tokens):
            raise ValueError(f"rule {rule!r}: unexpected {tokens[end][0]!r} in {text!r}")
        return items

    # --- sampling ---

    def sample(self, rng: random.Random, rule: str | None = None) -> list[str]:
        """One random word sequence derived from ``rule`` (default: the start rule)."""
        words: list[str] = []
        self._emit(self._rules[rule or self.start], rng, words)
        return words

    def _emit(self, item: object, rng: random.Random, out: list[str]) -> None:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, _RuleRef):
            self._emit(self._rules[item.name], rng, out)
        elif isinstance(item, _Optional):
            if rng.random() < 0.5:
                self._emit(item.item, rng, out)
        else:
            # What random.choices(k=1) does, without its per-call overhead.
            pick = bisect.bisect(item.cum_weights, rng.random() * item.cum_weights[-1])
            for part in item.alternatives[pick]:
                self._emit(part, rng, out)

    # --- inspection ---

    def vocabulary(self, rule: str | None = None) -> frozenset[str]:
        """Every word reachable from ``rule`` (default: the start rule)."""
        words: set[str] = set()
        self._words_and_refs(_RuleRef(rule or self.start), words, set(), rule or self.start)
        return frozenset(words)

    def _words_and_refs(
        self, item: object, words: set[str], seen_rules: set[str], context: str
    ) -> None:
        """Collect the words under ``item``, following rule references once each."""
        if isinstance(item, str):
            words.add(item)
        elif isinstance(item, _RuleRef):
            if item.name not in self._rules:
                raise ValueError(f"rule {context!r} refers to undefined rule <{item.name}>")
            if item.name not in seen_rules:
                seen_rules.add(item.name)
                self._words_and_refs(self._rules[item.name], words, seen_rules, item.name)
        elif isinstance(item, _Optional):
            self._words_and_refs(item.item, words, seen_rules, context)
        else:
            for alternative in item.alternatives:
                for part in alternative:
                    self._words_and_refs(part, words, seen_rules, context)


_SLOT_LISTS = {
    "digit": wl.DIGITS,
    "unit": wl.UNITS,
    "teen": wl.TEENS,
    "tens": wl.TENS,
    "ordinal": wl.ORDINALS,
    "weekday": wl.WEEKDAYS,
    "month": wl.MONTHS,
    "holiday": wl.HOLIDAYS,
    "first_name": wl.FIRST_NAMES,
    "surname": wl.SURNAMES,
    "family": wl.FAMILY,
    "family_possessive": wl.FAMILY_POSSESSIVES,
    "phone_line": wl.PHONE_LINES,
    "city": wl.CITIES,
    "airline": wl.AIRLINES,
    "poi": wl.POINTS_OF_INTEREST,
    "street_name": wl.STREET_NAMES,
    "street_type": wl.STREET_TYPES,
    "cuisine": wl.CUISINES,
    "language": wl.LANGUAGES,
    "room": wl.ROOMS,
    "device": wl.SWITCHABLE_DEVICES,
    "appliance": wl.APPLIANCES,
    "openable_one": wl.OPENABLES,
    "openable_many": wl.OPENABLE_PLURALS,
    "lockable": wl.LOCKABLES,
    "colour": wl.COLOURS,
    "scene": wl.SCENES,
    "car_feature": wl.CAR_FEATURES,
    "car_openable": wl.CAR_OPENABLES,
    "route_preference": wl.ROUTE_PREFERENCES,
    "genre": wl.GENRES,
    "playlist": wl.PLAYLISTS,
    "media_kind": wl.MEDIA_KINDS,
    "news_topic": wl.NEWS_TOPICS,
    "app": wl.APPS,
    "grocery": wl.GROCERIES,
    "shopping_list": wl.SHOPPING_LISTS,
    "task": wl.TASKS,
    "event": wl.EVENTS,
    "message": wl.MESSAGES,
    "time_unit": wl.TIME_UNITS,
    "length_unit": wl.LENGTH_UNITS,
    "weight_unit": wl.WEIGHT_UNITS,
    "volume_unit": wl.VOLUME_UNITS,
    "currency": wl.CURRENCIES,
    "weather_condition": wl.WEATHER_CONDITIONS,
}

_RULES: dict[str, tuple[str | tuple[float, str], ...]] = {
    "sentence": ((1, "<wake> <request>"), (10, "<request>")),
    "wake": ("computer", "hey computer", "okay computer", "assistant", "hey assistant"),
    "request": (
        (5, "<home>"),
        (4, "<car>"),
        (3, "<media>"),
        (5, "<assistant>"),
        (4, "<travel>"),
        (3, "<info>"),
        (6, "<digits_task>"),
        (0.5, "<short_reply>"),
        (16, "<terse>"),
        (6, "<slot_answer>"),
        (2, "<polite> <action> and then? <action>"),
    ),
    "action": (
        "<home_action>", "<car_action>", "<media_action>", "remind me to <todo>",
        "set an alarm for <time>",
    ),
    # Phrasing shared by the command domains.
    "polite": (
        (30, ""),
        "please", "can you", "could you", "would you", "will you", "can you please",
        "i want you to", "i need you to", "go ahead and", "hey", "okay", "now", "just", "quickly",
    ),
    "end": (
        (30, ""), "please", "now", "right now", "for me", "thanks", "thank you", "quickly",
        "immediately", "again", "too", "already", "instead",
    ),
    "schedule": (
        (8, ""), "in <duration>", "at <time>", "<day> at <time>", "<day>", "later",
        "when i leave", "when i get home", "at sunset", "at sunrise", "after dinner", "before bed",
        "every (morning | night | evening)", "every <weekday>", "for <duration>",
    ),
    "i_want": (
        "i want to", "i'd like to", "i need to", "i would like to", "let me", "can i", "help me",
    ),
    "what_is": ("what is", "what's"),
    "the": ((3, "the"), "my", "our", "that", "this"),

    # --- numbers, times and dates ---
    "number": ((3, "<unit>"), (2, "<teen>"), (4, "<tens> <unit>?")),
    "small_number": ("<unit>", "ten", "twelve", "fifteen", "twenty"),
    "percent": ("<tens>", "<tens> five", "ten", "fifteen", "five", "one hundred", "a hundred"),
    "temperature": ("(sixty | seventy) <unit>?", "eighty", "<teen>", "twenty <unit>?"),
    "hour": ("<unit>", "ten", "eleven", "twelve"),
    "minute": (
        "o'clock", "fifteen", "thirty", "forty five", "oh five", "ten", "twenty", "fifty",
        "twenty five", "forty", "oh <unit>", "<tens> <unit>",
    ),
    "unit_conversion": (
        "<number> <length_unit> (in | to) <length_unit>",
        "<number> <weight_unit> (in | to) <weight_unit>",
        "<number> <volume_unit> (in | to) <volume_unit>",
        "<number> <currency> (in | to) <currency>",
        "<number> degrees (fahrenheit | celsius) (in | to) (celsius | fahrenheit)",
    ),
    "day_part": (
        "a m", "p m", "in the morning", "in the afternoon", "in the evening", "at night", "tonight",
    ),
    "time": (
        (6, "<hour> <minute>? <day_part>?"),
        "noon", "midnight", "half past <hour>", "quarter (past | to) <hour>",
        "<number> minutes (past | to) <hour>",
    ),
    "duration": (
        (4, "<number> <time_unit>"),
        "an hour", "half an hour", "a minute", "one hour and <number> minutes",
        "<number> and a half (minutes | hours)",
    ),
    "date": (
        "<month> <ordinal>", "the <ordinal> of <month>", "<weekday> <month> <ordinal>",
        "<weekday> the <ordinal>", "the <ordinal>",
    ),
    "day": (
        "today", "tomorrow", "tonight", "this weekend", "next week", "the day after tomorrow",
        "this (morning | afternoon | evening)", "tomorrow (morning | afternoon | night)",
        "<weekday> (morning | afternoon | evening | night)",
        "on <weekday>", "next <weekday>", "this <weekday>", (2, "on <date>"),
    ),
    "contact": ((3, "<first_name>"), (2, "<first_name> <surname>"), "<family>"),

    # --- connected digits ---
    "digits3": ("<digit> <digit> <digit>",),
    "digits4": ("<digit> <digit> <digit> <digit>",),
    "phone_number": ((2, "<digits3> <digits4>"), "<digits3> <digits3> <digits4>"),
    "digit_string": (
        "<digits3>", "<digits4>", "<digits3> <digit> <digit>", "<digits4> <digits4>",
        "<digit> <digit>", "<digits3> <digits3>",
    ),
    "digits_task": (
        (3, "(dial | call) <phone_number> <end>"),
        "<polite> call the number <phone_number>",
        "my (phone | cell | home | work) number is <phone_number>",
        "the number is <phone_number>",
        "send a text to <phone_number>",
        "my (pin | password) is <digits4>",
        "enter <digits4> <end>",
        "the (door | gate | alarm | lock) code is <digits4>",
        "set the alarm code to <digits4>",
        "my zip code is <digits3> <digit> <digit>",
        "my account number is <digit_string> <digit_string>",
        "my confirmation number is <digit_string>",
        "is <airline>? flight <digits3> on time",
        "check in for <airline>? flight <digits4>",
        "what gate does flight <digits3> (leave from | arrive at)",
        "my room number is <digits3>",
        "extension <digits3> <end>",
        "tune to <digit> <digit> point <digit>",
        "tune the radio to <digits3> point <digit>",
        "the tracking number is <digits4> <digits4>",
        "my seat is row <digit> <digit>",
        (10, "<digit_string>"),
        (2, "<digit_string> <digit_string>"),
        (2, "<phone_number>"),
        "press <digit> <end>",
        "the answer is <digit_string>",
    ),

    # --- home control ---
    "switch": (
        "turn on", "switch on", "power on", "start", "turn off", "switch off", "power off",
        "shut off", "stop", "put on", "shut down", "unplug",
    ),
    "openable": ("<openable_one>", "<openable_many>"),
    "room_spec": (
        (4, "in the <room>"), "(on | by | near) the <room> (door | window | wall)?", "upstairs",
        "downstairs", "in here", "everywhere", "outside", "in every room",
    ),
    "device_phrase": (
        (3, "<device>"), (2, "<room> <device>"), "<device> <room_spec>", "<colour> <device>",
    ),
    "home": (
        (12, "<polite> <home_action> <schedule> <end>"),
        (3, "<when_or_where> <home_action>"),
        "make the lights <room_spec>? (<colour> | brighter | dimmer | warmer)",
        "make it (warmer | cooler | colder) <room_spec>? <end>",
        "it's (too | really | very | a bit) (hot | cold | dark | bright | loud) <room_spec>?",
        "is the <openable_one> <room_spec>? (open | closed)",
        "are the <openable_many> <room_spec>? (open | closed)",
        "is the <lockable> (locked | unlocked)",
        "did i (leave | turn) the <device_phrase> (on | off)",
        "are the <room>? lights (on | off) <room_spec>?",
        "is the <device_phrase> (on | off | running | plugged in)",
        "<what_is> the (temperature | humidity) <room_spec>?",
        "how long until the <appliance> is (done | finished)",
        "who is at the (front | back | side) door",
    ),
    "when_or_where": (
        "<room_spec>", "<day>", "at <time>", "in <duration>", "<day> at <time>", "when i get home",
    ),
    "home_action": (
        (4, "<switch> <the> <device_phrase>"),
        "turn <the> <device_phrase> (on | off)",
        "(set | dim) <the> <room>? lights to <percent> percent",
        "(dim | brighten) <the> <room>? lights <room_spec>?",
        "(change | set | turn) <the> <room>? lights to <colour>",
        "set the <room>? thermostat to <temperature> degrees?",
        "set the temperature <room_spec>? to <temperature>",
        "(raise | lower) the temperature by <small_number> degrees",
        "turn the (heat | heating | air) (up | down) <room_spec>?",
        "(lock | unlock) <the> <lockable>",
        "(open | close) <the> <openable> <room_spec>?",
        "(start | pause | stop) <the> <appliance>",
        "(activate | start | turn on) <scene> mode <room_spec>?",
        "set the (house | lights) to <scene> mode",
        "show me the <room>? camera",
        "(arm | disarm) the (alarm | security system)",
    ),

    # --- in-car: navigation, controls, calls ---
    "address": (
        "(<digits3> | <digits4>) <street_name> <street_type>", "<street_name> <street_type>",
    ),
    "poi_phrase": (
        "the (nearest | closest | next | best | cheapest) <poi>", "a <poi>",
        "the <poi> (in | near) <city>",
        "the <poi> on <street_name> <street_type>", "a <cuisine> restaurant",
    ),
    "destination": (
        (3, "<city>"), (3, "<poi_phrase>"), (2, "<address>"), "my house", "work", "the office",
        "<family_possessive> (house | place)", "the airport in <city>", "downtown <city>",
    ),
    "car": (
        (12, "<polite> <car_action> <end>"),
        "where is <poi_phrase>",
        "how (far | long) is it to <destination>",
        "how long (will it | does it) take to get to <destination>",
        "<what_is> the traffic like (to | on the way to) <destination>",
        "when will we (arrive | get there | get to <destination>)",
        "<car_status>",
        "is there a <poi> on the (way | route)",
    ),
    "car_status": (
        "how much (gas | fuel | charge | battery) is left",
        "how many miles until (empty | service)",
        "where did i park (the | my) car", "what's my (speed | range | tire pressure)",
    ),
    "roadside_need": ("gas", "parking", "charging", "food", "coffee", "lodging"),
    "car_action": (
        (3, "(navigate | drive | go | head) to <destination>"),
        "(take | get | route) me to <destination>",
        "(get | show me | find) directions to <destination>",
        "(find | show me) <poi_phrase>",
        "find a <cuisine> restaurant near (here | me | <destination>)",
        "avoid <route_preference>",
        "(cancel | stop | pause | resume) navigation",
        "add a stop at <poi_phrase>",
        "<switch> the <car_feature>",
        "(open | close) the <car_openable>",
        "set the fan speed to <unit>",
        "set the (driver's | passenger) temperature to <temperature>",
        "set cruise control to <tens> <unit>? miles per hour",
        (4, "call <contact>"),
        "call <contact> (on | at) <phone_line>",
        "call <contact> on the <phone_line> (phone | number)",
        "(answer | decline | end) the call",
        "share my (location | arrival time) with <contact>",
        "find parking near <destination>",
        (2, "(find | show me | look for) <roadside_need> (near | on the way to) <destination>"),
        "(go | drive | head) (home | to work) (by way of | through | past) <destination>",
    ),

    # --- media ---
    "media": (
        (10, "<polite> <media_action> <end>"),
        "(what | which) (song | album | band | station) is this",
        "who (sings | wrote | plays) this (song | track | album)",
    ),
    "media_action": (
        (3, "(play | put on | start | queue | listen to) some? <genre> <media_kind>? <room_spec>?"),
        "put on some <genre> <room_spec>?",
        "(play | shuffle) my <playlist> playlist <room_spec>?",
        "play the (next | previous | last) (song | track | episode)",
        "skip this (song | track | episode | ad)",
        "(pause | stop | resume) the (music | song | podcast | audio)",
        "turn the (volume | music | sound | bass) (up | down) <room_spec>?",
        "turn it (up | down)",
        "set the volume to (<unit> | ten | <percent> percent)",
        "play the <news_topic> news",
        "play the latest episode of my <playlist>? podcast",
        "add this song to my <playlist> playlist",
        "(like | save) this song",
        "repeat this (song | album | playlist)",
        "play music on the <room> speaker",
        (2, "play (<genre> music | songs | something) by <first_name> <surname>"),
        "open the <app> app?",
        "(rewind | skip | fast forward) <number> seconds",
        "mute the (tv | speaker | music)",
        "(change | switch) the (channel | input)",
        "go to channel <digit_string>",
    ),

    # --- personal assistant ---
    "when": (
        "at <time>", "<day>", "<day> at <time>", "in <duration>", "when i get home",
        "tonight at <time>",
    ),
    "items": (
        (3, "<grocery>"), (2, "<grocery> and <grocery>"), "<grocery> <grocery> and <grocery>",
    ),
    "todo": (
        (3, "<task>"),
        "(buy | pick up | get | order) <items>",
        "(call | text | email | visit | thank) <contact>",
        "(clean | vacuum | tidy | paint) the <room>",
        "(fix | check | clean | replace) the <device>",
        "(book | confirm | cancel) the <event>",
        "(go to | stop by | drop by) the <poi>",
    ),
    "message_text": (
        (3, "<message>"),
        "i'll be (home | there | back | late) (soon | in <duration> | at <time>)",
        "meet me at the <poi> (at <time>)?",
        "can you buy <items>",
        "the <event> is (at <time> | <day> | canceled)",
    ),
    "assistant": (
        (2, "<polite> set an alarm for <time> <day>? <end>"),
        "wake me up (at <time> | in <duration>) <day>?",
        (2, "<polite> (set | start | make) a (timer | countdown) for <duration> <end>"),
        "<polite> (set | start) a <number> (minute | second | hour) timer (for the <grocery>)?",
        "<polite> (cancel | delete | snooze) (my | the) <time>? (alarm | timer)",
        "how much time is left on (the | my) <duration>? (timer | countdown)",
        (3, "<polite> remind me to <todo> <when>?"),
        "remind me about (the | my) <event> <when>?",
        (3, "<polite> (add | put) <items> (to | on) (my | the) <shopping_list>? list"),
        "<polite> (remove | take) <items> (from | off) (my | the) <shopping_list>? list",
        "<what_is> on my <shopping_list> list",
        "do we (need | have) (any | more)? <grocery>",
        "<what_is> on my calendar <day>?",
        (2, "<polite> (schedule | book | set up) a <event> with <contact> <day>? at <time>"),
        "<polite> (move | cancel) my <event> (to | on) <day>",
        "when is my next <event>",
        "do i have (a | any) <event> <day>",
        (3, "<polite> send a (message | text) to <contact> (saying | that says) <message_text>"),
        "<polite> (text | tell) <contact> <message_text>",
        "<polite> read my new? (messages | emails | texts | voicemail) (from <contact>)?",
        "<polite> email <contact> about the <event>",
        "<polite> take a (photo | picture | screenshot | selfie) <end>",
        "<polite> turn (on | off) do not disturb <end>",
        "<polite> turn (on | off) the (wifi | bluetooth | flashlight)",
        "<polite> find my (phone | keys | wallet | glasses)",
        "<polite> order (more | some) <items>",
        "<polite> translate <message> into <language>",
        "how do you say <message> in <language>",
    ),

    # --- travel queries ---
    "trip_date": (
        "<day>", (2, "on <date>"), "in <month>", "for <day>", "the morning of the <ordinal>",
        "on <weekday> <day_part>",
    ),
    "route": (
        (3, "from <city> to <city>"), "to <city> from <city>", "between <city> and <city>",
        "out of <city> (to | into) <city>", "<city> to <city>",
    ),
    "flight_request": (
        "show me", "find", "find me", "list", "give me", "i need", "are there any", "what are the",
        "search for", "look for", "i'm looking for", "any", "book",
    ),
    "flight_constraint": (
        (4, ""), "on <airline>",
        "(leaving | arriving | departing) (before | after | around) <time>",
        "for <number>? (people | passengers | adults)", "under <number> hundred dollars",
        "with a stop in <city>", "returning <day>", "in (first class | business class | economy)",
    ),
    "flight_kind": (
        "nonstop", "direct", "cheap", "morning", "evening", "early", "late", "red eye",
        "first class",
    ),
    "travel": (
        (6, "<flight_request> <flight_kind>? flights <route> <trip_date>? <flight_constraint>"),
        (2, "<i_want> (fly | go | travel) <route> <trip_date>? <flight_constraint>"),
        "<i_want> book a <flight_kind>? flight to <city> <trip_date>?",
        "are there any <flight_kind> flights (to | from) <city> <trip_date>?",
        "what time does the <airline>? flight (to | from) <city> (leave | arrive)",
        "when does the (last | first | next) <airline>? flight from <city> (leave | arrive)",
        "how much is a (one way | round trip) ticket (to | from) <city>",
        "<polite> find a <cuisine>? hotel in <city> for (<number> nights | one night)",
        "<i_want> book a room (in <city>)? for (<number> | two) (people | guests) <trip_date>?",
        "<polite> book a table for <number> at <time> <day>?",
        "<polite> find a table for (two | four) at a <cuisine> restaurant",
        "<i_want> rent a car in <city> <trip_date>?",
        "when does the next (train | bus) to <city> leave",
        "how long is the (train | flight | drive) <route>",
        "is my <airline> flight (on time | delayed)",
        "what terminal does <airline> fly from (in <city>)?",
        "<polite> check me in for my (flight | trip) to <city>",
        "<polite> (cancel | change) my (flight | hotel | reservation | booking) <trip_date>?",
        "which airlines fly <route>",
        "do i need a (passport | visa) for <city>",
    ),

    # --- general information ---
    "weather_aspect": ("weather", "forecast", "temperature", "high", "low", "wind", "humidity"),
    "info": (
        "what time is it <end>",
        "what time is it in <city>",
        "<what_is> the date <day>?",
        "what day is <date>",
        (3, "(<what_is> | how's | tell me) the <weather_aspect> (in <city>)? <day>?"),
        "is it going to <weather_condition> (in <city>)? <day>?",
        "<what_is> the weather like in <city> <day>?",
        "will it <weather_condition> (<day> | in <city>) <day>?",
        "how (hot | cold | warm) will it be (in <city>)? <day>",
        "do i need (an umbrella | a jacket | a coat) <day>",
        "<polite> (give me | read me) the latest? <news_topic> (news | headlines)",
        "how many days until <holiday>",
        "when is <holiday> (this year)?",
        "<what_is> <number> (plus | minus | times) <number>",
        "<what_is> <number> divided by <number>",
        "(convert | what is | what's) <unit_conversion>",
        "how many <length_unit> (are)? in (a | one) (mile | meter | foot | yard | kilometer)",
        "what time does the sun (rise | set) (in <city>)? <day>?",
        "what time does <poi_phrase> (close | open) <day>?",
        "is <poi_phrase> open <day>?",
        "<polite> tell me (a | another) (joke | story | fact | riddle) (about (<genre> | <city>))?",
        "what can you do",
    ),

    # Clipped queries, as typed into a search box or spoken to a car.
    "terse": (
        "<route> <trip_date>?",
        "flights (to | from) <city> <trip_date>?",
        "<airline> <city> to <city>",
        "weather (in <city>)? <day>?",
        "<city> weather <day>?",
        "time in <city>",
        "(directions | route) to <destination>",
        "nearest <poi>",
        "<poi> near <destination>",
        "<cuisine> (food | restaurants) near (me | <destination>)",
        "call <contact> <phone_line>?",
        "text <contact>",
        "<first_name> <surname>",
        "<genre> (music | radio | playlist)?",
        "<playlist> playlist",
        "<room> <device>? (on | off)",
        "<device> (on | off) <room_spec>?",
        "<room> lights <colour>",
        "lights <percent> percent",
        "thermostat <temperature>",
        "timer <duration>",
        "alarm <time> <day>?",
        "add <items>",
        "<items> to the list",
        "<news_topic> news",
        "<number> (plus | times | minus) <number>",
        "<unit_conversion>",
        "<holiday>",
        "<scene> mode",
        "channel <digit_string>",
        "<contact> (mobile | cell | home | work | office)",
        "<event> with <contact> <day>",
        "<event> <day> at <time>",
        "<city> hotels <trip_date>?",
        "(train | bus) to <city>",
        "<city> <poi>",
        "<street_name> <street_type>",
        "<address> <city>?",
        "<genre> <room_spec>",
        "<colour> lights <room_spec>?",
        "(lock | unlock) <lockable>",
        "(open | close) <openable>",
        "<percent> percent",
        "<temperature> degrees",
        "<time> <day>?",
        "<date>",
        "<month> <ordinal> <city>?",
        "<language> translation",
        "remind me to? <todo>",
    ),

    # Answers to the assistant's follow-up questions ("which city?", "what time?").
    "slot_answer": (
        "(to | from | in | near)? <city>", "<contact>", "(at | around | about)? <time>",
        "(on | for)? <date>",
        "<day>", "<number> <time_unit>?", "<room>", "<device_phrase>", "<items>", "<genre>",
        "<poi_phrase>", "<colour>", "<cuisine>", "<airline>", "<event>", "<first_name> <surname>",
        "<month>", "<weekday> <day_part>?", "<scene> mode", "<language>", "<holiday>",
        "for? <number> (people | nights | guests | adults)", "<percent> percent",
    ),

    "short_reply": (
        "yes", "no", "yes please", "no thanks", "cancel", "stop", "never mind", "go back",
        "repeat that", "say that again", "thank you", "okay", "help", "that's right",
        "that's wrong", "start over", "louder", "quieter", "next", "pause", "resume",
        "goodbye", "good morning", "good night", "not now", "sounds good",
    ),
}

GRAMMAR = Grammar({**_RULES, **_SLOT_LISTS}, start="sentence")


def generate_sentences(n: int, seed: int) -> list[str]:
    """``n`` sentences of 1 to 15 words, the same for the same ``seed``.

    Longer derivations are drawn again; that trims only a small tail of the
    distribution.
    """
    rng = random.Random(seed)
    sentences = []
    while len(sentences) < n:
        words = GRAMMAR.sample(rng)
        if 1 <= len(words) <= MAX_WORDS:
            sentences.append(" ".join(words))
    return sentences


def vocabulary() -> frozenset[str]:
    """Every word the ASR grammar can emit."""
    return GRAMMAR.vocabulary()
