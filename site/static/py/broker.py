"""The MQTT broker of board lessons, and MicroPython's `umqtt.simple` client on top of it.

On a real board, `from umqtt.simple import MQTTClient` (micropython-lib) talks to a
broker over Wi-Fi. On a board lesson the same import gives a client with the same
API (MQTTClient(client_id, server), connect, publish, subscribe, set_callback,
check_msg, wait_msg, ping, disconnect) whose broker is part of the simulated board
(`sim.board.mqtt`): live in run cells, a fresh one on virtual time for each Check.
The broker follows MQTT 3.1.1: topic filters with `+` and `#` (section 4.7),
`$` topics that wildcards at the start do not match, retained messages (3.3.1.3:
a new subscription gets them, an empty retained payload deletes one), QoS 0 and 1
(delivered at the lower of the publish's and the subscription's QoS), a client's
own messages delivered back to it, and a second connection with the same client
id closing the first. A QoS 1 publish waits for the broker's PUBACK, which takes
QOS1_ROUND_TRIP_MS of board time. Not simulated: QoS 2 (umqtt.simple has none),
last wills, keep-alive timeouts, the network itself.

Checks use it through `sim`: sim.message(topic, payload, at=ms) publishes as another
client would; sim.published(filter) lists what the program published; sim.retained()
and sim.mqtt_timeline(filter) describe the broker for messages.
"""

import sys

import sim

MAX_LOG = 2000  # a program that publishes more than this in one check is stopped, like MAX_TRACE
QOS1_ROUND_TRIP_MS = 20  # PUBLISH out, PUBACK back


def _text(value, what):
    """Topics and payloads as umqtt.simple sends them: bytes, or str (which it sends as is)."""
    if isinstance(value, str):
        data = value.encode()
        if len(data) != len(value):
            raise ValueError(
                what + " " + repr(value) + " has non-ASCII characters: umqtt.simple counts a str in characters, "
                "not bytes, and the packet comes out wrong; send " + what + ".encode() instead"
            )
        return data
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(
        what + " must be bytes or str, not " + type(value).__name__ + ": MQTT sends bytes; make the text first, "
        "e.g. str(21.5) or '{:.1f}'.format(celsius)"
    )


def valid_filter(levels):
    for i, level in enumerate(levels):
        if "#" in level and (level != "#" or i != len(levels) - 1):
            return "# must be a whole level and the last one, as in 'greenhouse/#'"
        if "+" in level and level != "+":
            return "+ must be a whole level, as in 'greenhouse/+/temperature'"
    return None


def matches(filter, topic):
    """MQTT 3.1.1 section 4.7: does topic filter `filter` (str) match topic name `topic` (str)?"""
    if topic.startswith("$") and filter[:1] in ("+", "#"):
        return False  # 4.7.2: a filter that starts with a wildcard does not match $SYS/... topics
    want = filter.split("/")
    have = topic.split("/")
    for i, level in enumerate(want):
        if level == "#":
            return True  # this level and everything below it, including the parent itself
        if i >= len(have) or (level != "+" and level != have[i]):
            return False
    return len(want) == len(have)


class Session:
    def __init__(self, client_id):
        self.client_id = client_id
        self.client = None  # the MQTTClient connected with this id, if any
        self.subscriptions = {}  # filter -> qos
        self.inbox = []  # (topic bytes, payload bytes, retain flag, qos) waiting for check_msg
        self.clean = True


class Broker:
    def __init__(self):
        self.sessions = {}  # client id -> Session
        self.retained = {}  # topic -> (payload, qos)
        self.log = []  # what the board's clients published: (t_ms, topic, payload, retain, qos, client id)
        self.script = []  # sim.message: (at_us, n, topic, payload, retain, qos)
        self.truncated = False

    def due(self):
        """Deliver the scripted messages whose time has come."""
        now = sim.board.us
        while self.script and self.script[0][0] <= now:
            _, _, topic, payload, retain, qos = self.script.pop(0)
            self.route(topic, payload, retain, qos)

    def next_scripted_us(self):
        return self.script[0][0] if self.script else None

    def route(self, topic, payload, retain, qos):
        if retain:
            if payload:
                self.retained[topic] = (payload, qos)
            else:
                self.retained.pop(topic, None)  # an empty retained message deletes the topic's
        name = topic.decode()
        for session in self.sessions.values():
            granted = [q for f, q in session.subscriptions.items() if matches(f, name)]
            if granted and (session.client is not None or not session.clean):
                if session.client is None and min(qos, max(granted)) == 0:
                    continue  # QoS 0 messages are not kept for a client that is away
                # Forwarded on an existing subscription: retain flag 0 (3.3.1.3).
                session.inbox.append((topic, payload, False, min(qos, max(granted))))

    def publish(self, client_id, topic, payload, retain, qos):
        self.due()
        b = sim.board
        self.log.append((b.us // 1000, topic.decode(), payload, bool(retain), qos, client_id))
        self.route(topic, payload, retain, qos)
        if len(self.log) >= MAX_LOG and b.virtual:
            self.truncated = True
            raise sim.TimeUp()

    def subscribe(self, session, filter, qos):
        self.due()
        session.subscriptions[filter] = qos
        for topic in sorted(self.retained):  # a new subscription gets the retained messages, retain flag 1
            payload, stored = self.retained[topic]
            if matches(filter, topic.decode()):
                session.inbox.append((topic, payload, True, min(qos, stored)))


def broker():
    """The current board's broker (a Check's board gets a fresh one)."""
    b = sim.board
    if b.mqtt is None:
        b.mqtt = Broker()
    return b.mqtt


class MQTTException(Exception):
    pass


class MQTTClient:
    def __init__(self, client_id, server, port=0, user=None, password=None, keepalive=0, ssl=None):
        if port == 0:
            port = 8883 if ssl else 1883
        self.client_id = client_id
        self.server = server
        self.port = port
        self.user = user
        self.pswd = password
        self.keepalive = keepalive
        self.ssl = ssl
        self.cb = None
        self.pid = 0
        self.lw_topic = None
        self.lw_msg = None
        self.lw_qos = 0
        self.lw_retain = False
        self._session = None
        self._broker = None

    def set_callback(self, f):
        self.cb = f

    def set_last_will(self, topic, msg, retain=False, qos=0):
        assert 0 <= qos <= 2
        assert topic
        self.lw_topic = topic
        self.lw_msg = msg
        self.lw_qos = qos
        self.lw_retain = retain

    def connect(self, clean_session=True):
        sim.board.cost()
        name = self.client_id.decode() if isinstance(self.client_id, (bytes, bytearray)) else str(self.client_id)
        here = broker()
        here.due()
        session = here.sessions.get(name)
        present = 0
        if session is not None and session.client is not None:
            session.client._session = None  # 3.1.4: the broker closes the older connection with this id
        if session is None or clean_session or session.clean:
            session = Session(name)
            here.sessions[name] = session
        else:
            present = 1
        session.clean = bool(clean_session)
        session.client = self
        self._session = session
        self._broker = here
        return present

    def _live(self, what):
        sim.board.cost()
        if self._session is None or self._session.client is not self or self._broker is not sim.board.mqtt:
            raise OSError("MQTTClient: not connected; call connect() before " + what + "()")
        return self._session

    def disconnect(self):
        session = self._live("disconnect")
        session.client = None
        if session.clean:
            self._broker.sessions.pop(session.client_id, None)
        self._session = None

    def ping(self):
        self._live("ping")

    def publish(self, topic, msg, retain=False, qos=0):
        self._live("publish")
        topic = _text(topic, "topic")
        msg = _text(msg, "msg")
        if qos not in (0, 1):
            raise ValueError("umqtt.simple publishes with QoS 0 or 1, not " + repr(qos))
        name = topic.decode()
        if not name or "+" in name or "#" in name:
            raise ValueError("cannot publish to " + repr(name) + ": a topic name is not empty and has no + or #")
        if qos:
            self.pid = self.pid % 65535 + 1
        self._broker.publish(self._session.client_id, topic, msg, retain, qos)
        if qos:
            sim.board.sleep_us(QOS1_ROUND_TRIP_MS * 1000)  # waiting for the PUBACK

    def subscribe(self, topic, qos=0):
        assert self.cb is not None, "Subscribe callback is not set"
        session = self._live("subscribe")
        name = _text(topic, "topic").decode()
        problem = valid_filter(name.split("/")) if name else "a topic filter is at least one character"
        if problem:
            raise ValueError("cannot subscribe to " + repr(name) + ": " + problem)
        if qos not in (0, 1):
            raise ValueError("umqtt.simple subscribes with QoS 0 or 1, not " + repr(qos))
        self.pid = self.pid % 65535 + 1
        self._broker.subscribe(session, name, qos)

    def check_msg(self):
        """Deliver one waiting message to the callback; None if there is none (never waits)."""
        session = self._live("check_msg")
        self._broker.due()
        if not session.inbox:
            return None
        topic, payload, retain, qos = session.inbox.pop(0)
        self.cb(topic, payload)
        return 0x30 | qos << 1 | retain

    def wait_msg(self):
        """Wait for the next message and deliver it to the callback."""
        while True:
            op = self.check_msg()
            if op is not None:
                return op
            b = sim.board
            nxt = self._broker.next_scripted_us() if b.virtual else None
            if b.virtual and nxt is None:
                b.sleep_us(b.limit_us - b.us if b.limit_us is not None else 3600000000)  # nothing will come
            else:
                b.sleep_us(max(0, nxt - b.us) if nxt is not None else 10000)


class _Module:
    def __init__(self, name, **attrs):
        self.__name__ = name
        for key in attrs:
            setattr(self, key, attrs[key])


simple = _Module("umqtt.simple", MQTTClient=MQTTClient, MQTTException=MQTTException)
package = _Module("umqtt", simple=simple)


def install():
    """`import umqtt.simple` and `from umqtt.simple import MQTTClient` get this client."""
    sys.modules["umqtt"] = package
    sys.modules["umqtt.simple"] = simple


# ---- for sim's test bench


def script(topic, payload, at, retain, qos):
    here = broker()
    topic = _text(topic, "topic")
    here.script.append((int(at * 1000), len(here.script), topic, _text(payload, "payload"), bool(retain), qos))
    here.script.sort()


def published(board, filter):
    if board is None or board.mqtt is None:
        return []
    return [
        (t, topic, payload, retain, qos)
        for t, topic, payload, retain, qos, _ in board.mqtt.log
        if matches(filter, topic)
    ]


def retained(board):
    if board is None or board.mqtt is None:
        return {}
    return {topic.decode(): payload for topic, (payload, _) in board.mqtt.retained.items()}


def timeline(board, filter, limit):
    found = published(board, filter)
    if not found:
        return "nothing was published to " + filter
    words = []
    for t, topic, payload, retain, qos in found[:limit]:
        flags = (" retained" if retain else "") + (" QoS 1" if qos else "")
        words.append(topic + " " + repr(payload) + flags + " at " + str(t) + " ms")
    text = "published " + ", ".join(words)
    if len(found) > limit:
        text += ", and " + str(len(found) - limit) + " more"
    if board.mqtt.truncated:
        text += " (the check stopped the program after " + str(MAX_LOG) + " messages)"
    return text
