"""broker.py: the simulated MQTT broker behind `umqtt.simple` on board lessons, run in CPython."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[2] / "site" / "static" / "py"
PARTS = [{"part": "led", "name": "LED", "pin": 15}, {"part": "button", "name": "Button", "pin": 14, "slot": 0}]


@pytest.fixture
def board(monkeypatch):
    """sim, machine and broker as a board lesson's worker loads them, on a virtual board (undone afterwards)."""
    monkeypatch.setitem(sys.modules, "time", sys.modules["time"])  # sim.setup replaces `time`
    for name in ("utime", "umqtt", "umqtt.simple"):
        monkeypatch.setitem(sys.modules, name, None)
    modules = {}
    for name in ("sim", "machine", "broker"):
        spec = importlib.util.spec_from_file_location(name, FOLDER / f"{name}.py")
        modules[name] = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, name, modules[name])
        spec.loader.exec_module(modules[name])
    sim = modules["sim"]
    sim.setup(PARTS)
    sim.begin_check()
    yield sim, modules["broker"]
    sim.end_check()


def run(sim, code, **names):
    """A learner's program on the checked board, until its virtual time is up."""
    namespace = dict(names)
    with contextlib.suppress(sim.TimeUp):
        exec(code, namespace)
    return namespace


SPEC_MATCHES = [  # MQTT 3.1.1 section 4.7, its non-normative examples
    ("sport/tennis/player1/#", "sport/tennis/player1", True),
    ("sport/tennis/player1/#", "sport/tennis/player1/ranking", True),
    ("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", True),
    ("sport/#", "sport", True),
    ("#", "sport/tennis", True),
    ("sport/tennis/+", "sport/tennis/player1", True),
    ("sport/tennis/+", "sport/tennis/player1/ranking", False),
    ("sport/+", "sport", False),
    ("sport/+", "sport/", True),
    ("+/+", "/finance", True),
    ("/+", "/finance", True),
    ("+", "/finance", False),
    ("#", "$SYS/broker/uptime", False),
    ("+/monitor/Clients", "$SYS/monitor/Clients", False),
    ("$SYS/#", "$SYS/monitor/Clients", True),
    ("$SYS/monitor/+", "$SYS/monitor/Clients", True),
    ("ACCOUNTS", "Accounts", False),
]


def test_topic_filters_match_as_the_specification_says(board):
    _, broker = board
    for topic_filter, topic, expected in SPEC_MATCHES:
        assert broker.matches(topic_filter, topic) is expected, (topic_filter, topic)
    for bad in ("sport/tennis#", "sport/tennis/#/ranking", "sport+"):
        assert broker.valid_filter(bad.split("/")), bad
    for good in ("#", "+", "sport/tennis/#", "+/tennis/#", "sport/+/player1"):
        assert broker.valid_filter(good.split("/")) is None, good


def test_umqtt_simple_client_publishes_subscribes_and_gets_its_own_messages(board):
    sim, _ = board
    sim.run_for(1000)
    code = """
from umqtt.simple import MQTTClient
import umqtt.simple
import time

got = []
client = MQTTClient("pico", "broker.local")
session_present = client.connect()
client.set_callback(lambda topic, msg: got.append((time.ticks_ms(), topic, msg)))
client.subscribe("home/+/temperature")
client.publish("home/kitchen/temperature", "21.5")
client.publish(b"home/kitchen/light", b"40")  # not subscribed
ops = [client.check_msg(), client.check_msg()]
same = umqtt.simple.MQTTClient is MQTTClient
"""
    ns = run(sim, code)
    assert ns["session_present"] == 0 and ns["same"]
    assert [(topic, msg) for _, topic, msg in ns["got"]] == [(b"home/kitchen/temperature", b"21.5")]
    assert ns["ops"] == [0x30, None]
    assert [p[1:] for p in sim.published()] == [
        ("home/kitchen/temperature", b"21.5", False, 0),
        ("home/kitchen/light", b"40", False, 0),
    ]
    assert [p[1] for p in sim.published("home/+/light")] == ["home/kitchen/light"]
    assert sim.mqtt_timeline("home/kitchen/light") == "published home/kitchen/light b'40' at 0 ms"


def test_retained_messages_reach_new_subscriptions_and_an_empty_one_deletes_them(board):
    sim, _ = board
    code = """
from umqtt.simple import MQTTClient

got = []
device = MQTTClient("device", "broker")
device.connect()
device.publish("room/status", b"online", retain=True, qos=1)
device.publish("room/fan", b"on", retain=True)
device.publish("room/fan", b"off", retain=True)  # replaces the retained "on"
device.publish("room/reading", b"20")  # not retained: gone once delivered
phone = MQTTClient("phone", "broker")
phone.connect()
phone.set_callback(lambda topic, msg: got.append((topic, msg)))
phone.subscribe("room/#", qos=1)
ops = [phone.check_msg(), phone.check_msg(), phone.check_msg()]
device.publish("room/status", b"", retain=True)  # deletes the retained message, delivered as usual
phone.check_msg()
"""
    ns = run(sim, code)
    assert ns["got"] == [(b"room/fan", b"off"), (b"room/status", b"online"), (b"room/status", b"")]
    assert ns["ops"] == [0x31, 0x33, None]  # retain flag 1 on a new subscription's messages; QoS 1 for status
    assert sim.retained() == {"room/fan": b"off"}
    t, _, _, retain, qos = sim.published()[0]
    assert (t, retain, qos) == (0, True, 1)
    assert sim.published()[1][0] == 20  # the QoS 1 publish waited 20 ms for its PUBACK


def test_scripted_messages_arrive_at_their_virtual_time_and_wait_msg_waits_for_them(board):
    sim, _ = board
    sim.message("home/light/set", b"on", at=1000)
    sim.message("home/light/set", "off", at=2500)
    sim.message("home/mode", b"eco", retain=True)
    sim.run_for(4000)
    code = """
from machine import Pin
from umqtt.simple import MQTTClient
import time

led = Pin(15, Pin.OUT)
seen = []

def command(topic, msg):
    seen.append((time.ticks_ms(), topic, msg))
    if topic == b"home/light/set":
        led.value(msg == b"on")

client = MQTTClient("pico", "broker")
client.connect()
client.set_callback(command)
client.subscribe("home/#")
while True:
    client.wait_msg()
"""
    ns = run(sim, code)
    assert [(topic, msg) for _, topic, msg in ns["seen"]] == [
        (b"home/mode", b"eco"),
        (b"home/light/set", b"on"),
        (b"home/light/set", b"off"),
    ]
    assert sim.changes("LED") == [(1000, 1), (2500, 0)]
    assert sim.now() == 4000  # wait_msg waited until the check's time was up


def test_a_second_connection_with_the_same_id_closes_the_first_and_mistakes_are_explained(board):
    sim, _ = board
    ns = run(sim, "from umqtt.simple import MQTTClient\na = MQTTClient('pico', 'b')\na.connect()\n")
    a = ns["a"]
    b = ns["MQTTClient"]("pico", "b")
    b.connect()
    with pytest.raises(OSError, match="not connected; call connect"):
        a.publish("x", b"1")
    with pytest.raises(TypeError, match="must be bytes or str, not float"):
        b.publish("room/temperature", 21.5)
    with pytest.raises(ValueError, match="non-ASCII"):
        b.publish("room/note", "21.5 °C")
    with pytest.raises(ValueError, match="has no \\+ or #"):
        b.publish("room/#", b"1")
    with pytest.raises(AssertionError, match="callback is not set"):
        b.subscribe("room/#")
    b.set_callback(print)
    with pytest.raises(ValueError, match="# must be a whole level and the last one"):
        b.subscribe("room/#/x")
    with pytest.raises(ValueError, match="QoS 0 or 1"):
        b.publish("room/x", b"1", qos=2)
    b.disconnect()
    with pytest.raises(OSError):
        b.check_msg()


def test_each_check_gets_a_fresh_broker_and_virtual_cells_share_the_live_one(board):
    sim, _ = board
    run(
        sim,
        "from umqtt.simple import MQTTClient\nc = MQTTClient('p', 'b')\nc.connect()\nc.publish('a', b'1', retain=True)",
    )
    assert sim.retained() == {"a": b"1"}
    sim.end_check()
    sim.begin_check()
    assert sim.retained() == {} and sim.published() == []
    sim.end_check()
    sim.begin_virtual_cell()
    run(sim, "c = MQTTClient('p', 'b')\nc.connect()\nc.publish('a', b'2', retain=True)", MQTTClient=_client(sim))
    sim.begin_virtual_cell()  # the next cell: a new virtual board with the same broker
    assert sim.board.mqtt.retained == {b"a": (b"2", 0)}


def _client(sim):
    return sys.modules["umqtt.simple"].MQTTClient
