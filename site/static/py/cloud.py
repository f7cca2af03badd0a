"""A small cloud that runs inside the page: a simulation, not a connection to any provider.

Everything lives in this Python session. Time is a simulated clock (nothing really
sleeps, so a lesson never waits and no result depends on timing), and faults are
switched on from a seed, so every run of a lesson gives the same answers.
Standard library only: it runs in CPython and in the browser's Pyodide.

The services follow the shape of Amazon Web Services as the boto3 library shows
them, in small: the same operation names, CamelCase keyword arguments, result
dictionaries and error codes, so code written here reads like real cloud code.

    aws = cloud.Cloud(seed=1)            # one simulated account: a clock, a fault switch, services
    s3 = aws.client("s3")                # Amazon S3, an object store:   put_object, get_object, list_objects_v2
    sqs = aws.client("sqs")              # Amazon SQS, a message queue:   send_message, receive_message, delete_message
    db = aws.client("dynamodb")          # Amazon DynamoDB, a key-value table: create_table, then Table.put_item ...
    lam = aws.client("lambda")           # AWS Lambda, functions:         create_function, invoke

    aws.faults.set(throttle=0.2, timeout=0.1, duplicate=0.1)   # seeded: the same calls fail on every run
    aws.faults.force("throttle", None)   # or exactly these outcomes for the next calls
    aws.clock.sleep(2)                   # moves the simulated clock; returns at once

Any call can be throttled (a ThrottlingError with the service's own code, such as S3's
SlowDown), fail (InternalError) or time out (Timeout, after the simulated time passes; a
write that timed out may or may not have happened). `duplicate` is at-least-once delivery:
an SQS message survives its delete and comes again, a Lambda "Event" runs twice.

What is left out or different: there is one region, no permissions, no pricing;
numbers in tables stay int/float (DynamoDB gives decimal.Decimal); message
attributes are always returned; one Lambda execution environment at a time,
whose globals are this session's (on AWS a cold start begins with fresh module
state: put per-environment setup in `Init`). Errors are ClientError subclasses,
like botocore's: `error.response["Error"]["Code"]`, or `except s3.exceptions.NoSuchKey`.

For HTTP lessons: `SITE` is this site's address and `API` its practice API
(static JSON files, for example API + "servers/page-1.json"), for real requests
with the `requests` package. `aws.flaky(requests.get)` puts simulated rate limits
(429), server errors (5xx) and timeouts in front of a real `get`, and
`Response` is a simulated answer with the parts of requests.Response lessons use.
"""

import base64
import copy
import datetime
import hashlib
import http
import json
import math
import os
import random
import traceback
import uuid

__all__ = [
    "API",
    "SITE",
    "Attr",
    "ClientError",
    "Clock",
    "Cloud",
    "Faults",
    "HTTPError",
    "Key",
    "Response",
    "StreamingBody",
    "ThrottlingError",
    "Timeout",
]

SITE = os.environ.get("PYGROUND_SITE") or "http://127.0.0.1:8000/"  # the page sets it to the site's real address
API = SITE + "api/"

REGION = "us-east-1"
ACCOUNT = "123456789012"  # the example account number of AWS's own documentation
EPOCH = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)  # what clock time 0 is, as a date
CALL_SECONDS = 0.02  # simulated time one API call takes
TIMEOUT_SECONDS = 5.0  # how long a call that times out keeps its caller waiting
FAULT_KINDS = ("throttle", "error", "timeout", "duplicate")
CALL_FAULTS = ("throttle", "error", "timeout")  # what can go wrong with any call; duplicates are per delivery


# --------------------------------------------------------------------------- errors


class ClientError(Exception):
    """An error answer from a simulated service, shaped like botocore.exceptions.ClientError.

    error.response["Error"]["Code"] is the service's error code, error.operation_name the call.
    """

    code = "InternalError"
    status = 500

    def __init__(self, message, operation_name=""):
        self.response = {
            "Error": {"Code": self.code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": self.status},
        }
        self.operation_name = operation_name
        super().__init__(f"An error occurred ({self.code}) when calling the {operation_name} operation: {message}")


def _error(name, code, status, base=ClientError, doc=""):
    return type(name, (base,), {"code": code, "status": status, "__doc__": doc or f"The {code} error ({status})."})


class ThrottlingError(ClientError):
    """Too many requests: slow down and try again (each service has its own code for it)."""

    code = "ThrottlingException"
    status = 400


InternalError = _error("InternalError", "InternalError", 500, doc="The service failed; trying again may work.")
ServiceUnavailable = _error("ServiceUnavailable", "ServiceUnavailable", 503, doc="The service failed; try again.")
ValidationException = _error("ValidationException", "ValidationException", 400, doc="The request is malformed.")
NoSuchBucket = _error("NoSuchBucket", "NoSuchBucket", 404)
NoSuchKey = _error("NoSuchKey", "NoSuchKey", 404)
BucketAlreadyOwnedByYou = _error("BucketAlreadyOwnedByYou", "BucketAlreadyOwnedByYou", 409)
InvalidBucketName = _error("InvalidBucketName", "InvalidBucketName", 400)
SlowDown = _error("SlowDown", "SlowDown", 503, ThrottlingError, "S3's throttling error: reduce your request rate.")
QueueDoesNotExist = _error("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400)
QueueNameExists = _error("QueueNameExists", "QueueAlreadyExists", 400)
ReceiptHandleIsInvalid = _error("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 400)
ResourceNotFoundException = _error("ResourceNotFoundException", "ResourceNotFoundException", 400)
ResourceInUseException = _error("ResourceInUseException", "ResourceInUseException", 400)
ConditionalCheckFailedException = _error(
    "ConditionalCheckFailedException", "ConditionalCheckFailedException", 400, doc="The condition was not met."
)
ProvisionedThroughputExceededException = _error(
    "ProvisionedThroughputExceededException", "ProvisionedThroughputExceededException", 400, ThrottlingError
)
TooManyRequestsException = _error("TooManyRequestsException", "TooManyRequestsException", 429, ThrottlingError)


class Timeout(TimeoutError):
    """A simulated call got no answer in time. Like a real timeout, it does not say whether the
    request was carried out: a write may have happened or not (so retried writes must be idempotent)."""


class HTTPError(OSError):
    """A simulated HTTP error status, raised by Response.raise_for_status(); error.response is the answer.
    (An OSError, like requests.HTTPError.)"""

    def __init__(self, message, response=None):
        super().__init__(message)
        self.response = response


# --------------------------------------------------------------------------- clock and faults


class Clock:
    """Simulated time in seconds. sleep() moves it on and returns at once; sleeps lists every sleep."""

    def __init__(self, start=0.0):
        self._now = float(start)
        self.sleeps = []

    def now(self):
        """Seconds since the simulation started."""
        return self._now

    def sleep(self, seconds):
        """Let `seconds` of simulated time pass (use it where real code would call time.sleep)."""
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            raise TypeError(f"sleep() takes a number of seconds, not {seconds!r}")
        if seconds < 0:
            raise ValueError(f"sleep() needs a number of seconds that is 0 or more, not {seconds}")
        self.sleeps.append(seconds)
        self._advance(seconds)

    def _advance(self, seconds):
        self._now += seconds

    def datetime(self):
        """The simulated time as a date (time 0 is 2025-01-01 00:00 UTC)."""
        return EPOCH + datetime.timedelta(seconds=self._now)

    def timestamp(self):
        """The simulated time as ISO 8601 text, e.g. '2025-01-01T00:00:05.000Z'."""
        return self.datetime().strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.datetime().microsecond // 1000:03d}Z"

    def __repr__(self):
        return f"Clock(now={self._now:g})"


class Faults:
    """A deterministic fault switch: each call draws from a random generator seeded with `seed`.

    Rates are probabilities from 0 to 1: `throttle` (the service says "too many requests"),
    `error` (a server error), `timeout` (no answer in time) for any call, and `duplicate`
    (a message or event delivered twice). force("throttle", None, "timeout") makes the next
    calls get exactly those outcomes (None: no fault), whatever the rates.
    history lists (operation, fault) for every call.
    """

    def __init__(self, seed=0, **rates):
        self._random = random.Random(seed)
        self.rates = dict.fromkeys(FAULT_KINDS, 0.0)
        self._forced = []
        self.history = []
        self.set(**rates)

    def set(self, **rates):
        """Change some rates, e.g. set(throttle=0.3); the others stay as they are."""
        for kind, rate in rates.items():
            if kind not in FAULT_KINDS:
                raise TypeError(f"unknown fault '{kind}'; the faults are {', '.join(FAULT_KINDS)}")
            if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate <= 1:
                raise ValueError(f"the rate of '{kind}' is a probability from 0 to 1, not {rate!r}")
        new = {**self.rates, **{kind: float(rate) for kind, rate in rates.items()}}
        if sum(new[kind] for kind in CALL_FAULTS) > 1:
            raise ValueError("throttle + error + timeout add up to more than 1; lower one of them")
        self.rates = new
        return self

    def off(self):
        """No more faults (forced ones are dropped too)."""
        self.rates = dict.fromkeys(FAULT_KINDS, 0.0)
        self._forced.clear()
        return self

    def force(self, *outcomes):
        """The next calls that can have these faults get them, in order (None: that call has none)."""
        for outcome in outcomes:
            if outcome is not None and outcome not in FAULT_KINDS:
                raise TypeError(f"unknown fault '{outcome}'; the faults are {', '.join(FAULT_KINDS)} (or None)")
        self._forced.extend(outcomes)
        return self

    def roll(self, operation, kinds=CALL_FAULTS):
        """The fault for one call (one of `kinds`) or None. Draws exactly one random number unless forced."""
        # A forced None (no fault) is for a call, not for a delivery's duplicate roll.
        if self._forced and (self._forced[0] in kinds or (self._forced[0] is None and "throttle" in kinds)):
            fault = self._forced.pop(0)
        else:
            draw, fault, edge = self._random.random(), None, 0.0
            for kind in kinds:
                edge += self.rates[kind]
                if draw < edge:
                    fault = kind
                    break
        self.history.append((operation, fault))
        return fault

    def chance(self, probability):
        """True with this probability (from the same seeded generator)."""
        return self._random.random() < probability

    def choice(self, options):
        return self._random.choice(options)


# --------------------------------------------------------------------------- the account


class Cloud:
    """One simulated account: a clock, a fault switch, and the services that share them."""

    def __init__(self, seed=0, *, clock=None, faults=None):
        self.seed = seed
        self.clock = clock or Clock()
        self.faults = faults or Faults(seed)
        self._ids = random.Random(f"ids-{seed}")  # ids apart from faults: switching faults on keeps the ids
        self._clients = {}

    def client(self, service):
        """The simulated service, like boto3.client(service): "s3", "sqs", "dynamodb" or "lambda"."""
        makers = {"s3": S3, "sqs": SQS, "dynamodb": DynamoDB, "lambda": Lambda}
        if service not in makers:
            raise ValueError(f"unknown service '{service}'; this simulation has {', '.join(makers)}")
        if service not in self._clients:
            self._clients[service] = makers[service](self)
        return self._clients[service]

    def new_id(self):
        """A random-looking, reproducible id (a UUID, as AWS uses for message and request ids)."""
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def flaky(self, get):
        """`get` (for example requests.get) behind this account's fault switch: some calls come back
        as a simulated 429 Too Many Requests (with Retry-After) or a 5xx server error, or raise
        Timeout after the time limit passes on the simulated clock; the others call `get` itself."""

        def flaky_get(url, **kwargs):
            fault = self.faults.roll(f"GET {url}")
            self.clock._advance(CALL_SECONDS)
            if fault == "throttle":
                body = {"message": "Too Many Requests: slow down (simulated)"}
                return Response(429, body, headers={"Retry-After": "1"}, url=url)
            if fault == "error":
                status = self.faults.choice((500, 502, 503))
                return Response(status, {"message": f"{http.HTTPStatus(status).phrase} (simulated)"}, url=url)
            if fault == "timeout":
                limit = kwargs.get("timeout") or 30
                self.clock._advance(limit if isinstance(limit, (int, float)) else max(limit))
                raise Timeout(f"GET {url}: no answer within {limit} s (simulated)")
            return get(url, **kwargs)

        flaky_get.__name__ = f"flaky_{getattr(get, '__name__', 'get')}"
        return flaky_get

    def __repr__(self):
        return f"Cloud(seed={self.seed!r}, clock={self.clock!r})"


class _Service:
    """What every simulated service shares: the fault switch and simulated time around each call."""

    service = ""
    throttling = ThrottlingError

    def __init__(self, cloud):
        self._cloud = cloud
        self.exceptions = type("exceptions", (), {e.__name__: e for e in self._errors()})

    def _errors(self):
        return (ClientError, ThrottlingError, InternalError, ValidationException, self.throttling)

    def _call(self, operation, work, *, mutates=False):
        """Run `work` as one API call: it may be throttled, fail or time out, as the faults say.

        A timed-out write may or may not have been carried out (decided by the seeded generator)."""
        cloud = self._cloud
        fault = cloud.faults.roll(f"{self.service}.{operation}")
        cloud.clock._advance(CALL_SECONDS)
        if fault == "throttle":
            raise self.throttling("Rate exceeded", operation)
        if fault == "error":
            raise InternalError("We encountered an internal error. Please try again.", operation)
        if fault == "timeout":
            if mutates and cloud.faults.chance(0.5):
                work()
            cloud.clock._advance(TIMEOUT_SECONDS)
            raise Timeout(
                f"{self.service} {operation}: no answer within {TIMEOUT_SECONDS:g} s (simulated); "
                "the request may or may not have been carried out"
            )
        return work()


def _check_name(value, what, operation):
    if not isinstance(value, str) or not value:
        raise ValidationException(f"{what} must be a non-empty str, not {value!r}", operation)


# --------------------------------------------------------------------------- S3


class StreamingBody:
    """The body of an object, as boto3 gives it: read() returns the bytes (once; then b"")."""

    def __init__(self, data):
        self._data = data
        self._read = False

    def read(self, amt=None):
        if self._read:
            return b""
        if amt is None or amt >= len(self._data):
            self._read = True
            data, self._data = self._data, b""
            return data
        data, self._data = self._data[:amt], self._data[amt:]
        return data

    def close(self):
        self._read = True

    def __repr__(self):
        return "<StreamingBody>"


def _valid_bucket_name(name):
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789.-")
    return isinstance(name, str) and 3 <= len(name) <= 63 and set(name) <= allowed and name[0].isalnum()


class S3(_Service):
    """Amazon S3 in small: buckets of objects (bytes) under keys. Keys are flat text; a "folder"
    is only a prefix ("logs/2025/...") that list_objects_v2 can filter by."""

    service = "s3"
    throttling = SlowDown

    def __init__(self, cloud):
        super().__init__(cloud)
        self._buckets = {}

    def _errors(self):
        return (*super()._errors(), NoSuchBucket, NoSuchKey, BucketAlreadyOwnedByYou, InvalidBucketName)

    def _bucket(self, name, operation):
        if name not in self._buckets:
            raise NoSuchBucket(f"The specified bucket does not exist: {name!r}", operation)
        return self._buckets[name]

    def create_bucket(self, *, Bucket):
        if not _valid_bucket_name(Bucket):
            raise InvalidBucketName(
                f"{Bucket!r}: bucket names are 3 to 63 lowercase letters, digits, dots and dashes", "CreateBucket"
            )

        def work():
            if Bucket in self._buckets:
                raise BucketAlreadyOwnedByYou(f"You already own the bucket {Bucket!r}", "CreateBucket")
            self._buckets[Bucket] = {"created": self._cloud.clock.datetime(), "objects": {}}
            return {"Location": f"/{Bucket}"}

        return self._call("CreateBucket", work, mutates=True)

    def list_buckets(self):
        return self._call(
            "ListBuckets",
            lambda: {"Buckets": [{"Name": n, "CreationDate": b["created"]} for n, b in sorted(self._buckets.items())]},
        )

    def put_object(self, *, Bucket, Key, Body=b"", ContentType="binary/octet-stream", Metadata=None):
        """Store Body (bytes, or str stored as UTF-8) under Key, replacing what was there."""
        _check_name(Key, "Key", "PutObject")
        if isinstance(Body, str):
            Body = Body.encode("utf-8")
        if not isinstance(Body, (bytes, bytearray)):
            raise TypeError(
                f"Body must be bytes or str, not {type(Body).__name__}; to store data, write it as text first "
                "(for example json.dumps(data))"
            )
        data = bytes(Body)
        etag = '"' + hashlib.md5(data, usedforsecurity=False).hexdigest() + '"'

        def work():
            objects = self._bucket(Bucket, "PutObject")["objects"]
            objects[Key] = {
                "data": data,
                "etag": etag,
                "modified": self._cloud.clock.datetime(),
                "type": ContentType,
                "metadata": dict(Metadata or {}),
            }
            return {"ETag": etag}

        return self._call("PutObject", work, mutates=True)

    def get_object(self, *, Bucket, Key):
        """The object under Key: {"Body": StreamingBody, "ContentLength", "ContentType", "ETag", ...}.
        A missing key raises NoSuchKey."""

        def work():
            objects = self._bucket(Bucket, "GetObject")["objects"]
            if Key not in objects:
                raise NoSuchKey("The specified key does not exist.", "GetObject")
            obj = objects[Key]
            return {
                "Body": StreamingBody(obj["data"]),
                "ContentLength": len(obj["data"]),
                "ContentType": obj["type"],
                "ETag": obj["etag"],
                "LastModified": obj["modified"],
                "Metadata": dict(obj["metadata"]),
            }

        return self._call("GetObject", work)

    def delete_object(self, *, Bucket, Key):
        """Delete Key; deleting a key that is not there is not an error (as in S3)."""

        def work():
            self._bucket(Bucket, "DeleteObject")["objects"].pop(Key, None)
            return {}

        return self._call("DeleteObject", work, mutates=True)

    def list_objects_v2(self, *, Bucket, Prefix="", Delimiter="", MaxKeys=1000, ContinuationToken=None):
        """Keys in order, those starting with Prefix, at most MaxKeys per answer.

        An answer with IsTruncated True has NextContinuationToken: pass it as ContinuationToken for
        the next page. With no keys there is no "Contents" (as in S3): use .get("Contents", []).
        With Delimiter="/", keys below the next "/" are grouped under CommonPrefixes, like folders.
        """
        if not isinstance(MaxKeys, int) or MaxKeys < 1:
            raise ValidationException(f"MaxKeys must be a whole number of 1 or more, not {MaxKeys!r}", "ListObjectsV2")

        def work():
            objects = self._bucket(Bucket, "ListObjectsV2")["objects"]
            after = _decode_token(ContinuationToken, "ListObjectsV2") if ContinuationToken else ""
            contents, prefixes, last, truncated = [], [], "", False
            for key in sorted(objects):  # keys sharing a prefix sit together in sorted order
                if not key.startswith(Prefix) or key <= after:
                    continue
                rest = key[len(Prefix) :]
                group = (
                    Prefix + rest[: rest.index(Delimiter) + len(Delimiter)] if Delimiter and Delimiter in rest else None
                )
                if group is not None and prefixes and prefixes[-1] == group:
                    continue
                if len(contents) + len(prefixes) == MaxKeys:
                    truncated = True
                    break
                if group is not None:
                    prefixes.append(group)
                    last = group + "\uffff"  # the next page starts after everything in the group
                else:
                    obj = objects[key]
                    contents.append(
                        {"Key": key, "Size": len(obj["data"]), "ETag": obj["etag"], "LastModified": obj["modified"]}
                    )
                    last = key
            answer = {"Name": Bucket, "Prefix": Prefix, "MaxKeys": MaxKeys, "KeyCount": len(contents) + len(prefixes)}
            if contents:
                answer["Contents"] = contents
            if prefixes:
                answer["CommonPrefixes"] = [{"Prefix": p} for p in prefixes]
            answer["IsTruncated"] = truncated
            if truncated:
                answer["NextContinuationToken"] = base64.urlsafe_b64encode(last.encode()).decode()
            return answer

        return self._call("ListObjectsV2", work)

    list_objects = list_objects_v2  # the older name; this simulation answers both the same way


def _decode_token(token, operation):
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, AttributeError, UnicodeDecodeError):
        raise ValidationException("The continuation token provided is incorrect", operation) from None


# --------------------------------------------------------------------------- SQS


class SQS(_Service):
    """Amazon SQS (a standard queue) in small, with at-least-once delivery.

    receive_message hides the messages it returns for the visibility timeout (simulated seconds);
    delete_message with the ReceiptHandle removes one for good. A message that is not deleted in
    time becomes visible again and is delivered again (ApproximateReceiveCount goes up). With the
    `duplicate` fault a deleted message leaves a copy behind, which is delivered again.
    """

    service = "sqs"

    def __init__(self, cloud):
        super().__init__(cloud)
        self._queues = {}  # url -> {"name", "visibility", "messages": [message...]}
        self._handles = {}  # receipt handle -> (queue url, message id, receive number)

    def _errors(self):
        return (*super()._errors(), QueueDoesNotExist, QueueNameExists, ReceiptHandleIsInvalid)

    def _queue(self, url, operation):
        if url not in self._queues:
            raise QueueDoesNotExist(f"The specified queue does not exist: {url!r}", operation)
        return self._queues[url]

    def create_queue(self, *, QueueName, Attributes=None):
        """A new queue; Attributes may set "VisibilityTimeout" (seconds, as text: "30" by default)."""
        _check_name(QueueName, "QueueName", "CreateQueue")
        attributes = dict(Attributes or {})
        visibility = _whole_seconds(attributes.get("VisibilityTimeout", "30"), "VisibilityTimeout", "CreateQueue")
        url = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{QueueName}"

        def work():
            queue = self._queues.get(url)
            if queue is not None and queue["visibility"] != visibility:
                raise QueueNameExists(f"A queue named {QueueName!r} exists with other attributes", "CreateQueue")
            if queue is None:
                self._queues[url] = {"name": QueueName, "visibility": visibility, "messages": []}
            return {"QueueUrl": url}

        return self._call("CreateQueue", work, mutates=True)

    def get_queue_url(self, *, QueueName):
        url = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{QueueName}"

        def work():
            self._queue(url, "GetQueueUrl")
            return {"QueueUrl": url}

        return self._call("GetQueueUrl", work)

    def send_message(self, *, QueueUrl, MessageBody, DelaySeconds=0):
        """Add a message (text: send data as json.dumps(...)); it can be received after DelaySeconds."""
        if not isinstance(MessageBody, str) or not MessageBody:
            raise ValidationException(
                f"MessageBody must be non-empty text, not {type(MessageBody).__name__}; "
                "to send data, send json.dumps(data)",
                "SendMessage",
            )
        delay = _whole_seconds(DelaySeconds, "DelaySeconds", "SendMessage")
        message_id = self._cloud.new_id()
        md5 = hashlib.md5(MessageBody.encode(), usedforsecurity=False).hexdigest()

        def work():
            now = self._cloud.clock.now()
            self._queue(QueueUrl, "SendMessage")["messages"].append(
                {"id": message_id, "body": MessageBody, "md5": md5, "sent": now, "visible_at": now + delay, "count": 0}
            )
            return {"MessageId": message_id, "MD5OfMessageBody": md5}

        return self._call("SendMessage", work, mutates=True)

    def receive_message(self, *, QueueUrl, MaxNumberOfMessages=1, VisibilityTimeout=None, WaitTimeSeconds=0, **_):
        """Up to MaxNumberOfMessages (1 to 10) visible messages, each hidden for VisibilityTimeout seconds
        (the queue's own by default). {"Messages": [...]}, or {} when there are none (use .get("Messages", [])).
        WaitTimeSeconds > 0 waits (simulated) until a message is visible or that time has passed."""
        if not isinstance(MaxNumberOfMessages, int) or not 1 <= MaxNumberOfMessages <= 10:
            raise ValidationException(
                f"MaxNumberOfMessages must be from 1 to 10, not {MaxNumberOfMessages!r}", "ReceiveMessage"
            )
        wait = _whole_seconds(WaitTimeSeconds, "WaitTimeSeconds", "ReceiveMessage")

        def work():
            queue = self._queue(QueueUrl, "ReceiveMessage")
            hide = queue["visibility"] if VisibilityTimeout is None else VisibilityTimeout
            hide = _whole_seconds(hide, "VisibilityTimeout", "ReceiveMessage")
            clock = self._cloud.clock
            visible = self._visible(queue)
            if not visible and wait:
                later = [m["visible_at"] for m in queue["messages"] if m["visible_at"] <= clock.now() + wait]
                clock._advance((min(later) if later else clock.now() + wait) - clock.now())
                visible = self._visible(queue)
            delivered = []
            for message in visible[:MaxNumberOfMessages]:
                message["count"] += 1
                handle = base64.urlsafe_b64encode(
                    f"{message['id']}:{message['count']}:{self._cloud.new_id()}".encode()
                ).decode()
                self._handles[handle] = (QueueUrl, message["id"], message["count"])
                message["visible_at"] = clock.now() + hide
                delivered.append(
                    {
                        "MessageId": message["id"],
                        "ReceiptHandle": handle,
                        "MD5OfBody": message["md5"],
                        "Body": message["body"],
                        "Attributes": {
                            "ApproximateReceiveCount": str(message["count"]),
                            "SentTimestamp": str(int((EPOCH.timestamp() + message["sent"]) * 1000)),
                        },
                    }
                )
            return {"Messages": delivered} if delivered else {}

        return self._call("ReceiveMessage", work, mutates=True)

    def _visible(self, queue):
        now = self._cloud.clock.now()
        return [m for m in queue["messages"] if m["visible_at"] <= now]

    def _message(self, handle, operation):
        if handle not in self._handles:
            raise ReceiptHandleIsInvalid(f"The receipt handle {handle!r} is not valid", operation)
        url, message_id, count = self._handles[handle]
        queue = self._queue(url, operation)
        message = next((m for m in queue["messages"] if m["id"] == message_id), None)
        # A handle from an earlier receive of a message that was received again is out of date.
        return queue, (message if message is not None and message["count"] == count else None)

    def delete_message(self, *, QueueUrl, ReceiptHandle):
        """Remove the message for good. As in SQS, only the latest receive's handle deletes it: an older
        handle (the message was delivered again since) succeeds but deletes nothing. With the `duplicate`
        fault a copy survives the delete (as when one of SQS's servers misses it) and is delivered again."""

        def work():
            queue, message = self._message(ReceiptHandle, "DeleteMessage")
            if message is not None:
                if self._cloud.faults.roll(f"sqs.DeleteMessage copy of {message['id']}", ("duplicate",)):
                    message["visible_at"] = self._cloud.clock.now()
                else:
                    queue["messages"].remove(message)
            return {}

        return self._call("DeleteMessage", work, mutates=True)

    def change_message_visibility(self, *, QueueUrl, ReceiptHandle, VisibilityTimeout):
        """Hide a received message for VisibilityTimeout more seconds from now (0: visible at once)."""
        seconds = _whole_seconds(VisibilityTimeout, "VisibilityTimeout", "ChangeMessageVisibility")

        def work():
            _, message = self._message(ReceiptHandle, "ChangeMessageVisibility")
            if message is not None:
                message["visible_at"] = self._cloud.clock.now() + seconds
            return {}

        return self._call("ChangeMessageVisibility", work, mutates=True)

    def get_queue_attributes(self, *, QueueUrl, AttributeNames=("All",)):
        def work():
            queue = self._queue(QueueUrl, "GetQueueAttributes")
            visible = len(self._visible(queue))
            return {
                "Attributes": {
                    "ApproximateNumberOfMessages": str(visible),
                    "ApproximateNumberOfMessagesNotVisible": str(len(queue["messages"]) - visible),
                    "VisibilityTimeout": str(queue["visibility"]),
                }
            }

        return self._call("GetQueueAttributes", work)


def _whole_seconds(value, what, operation):
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        seconds = -1
    if isinstance(value, bool) or seconds < 0 or (isinstance(value, float) and value != seconds):
        raise ValidationException(f"{what} is a whole number of seconds (0 or more), not {value!r}", operation)
    return seconds


# --------------------------------------------------------------------------- DynamoDB


class _Condition:
    """A condition on an item, built with Key(...) or Attr(...); combine with & and |, negate with ~."""

    def __init__(self, test, text, parts=None):
        self._test, self._text, self.parts = test, text, parts

    def __call__(self, item):
        return self._test(item)

    def __and__(self, other):
        return _Condition(lambda item: self(item) and other(item), f"({self} AND {other})", [self, other])

    def __or__(self, other):
        return _Condition(lambda item: self(item) or other(item), f"({self} OR {other})")

    def __invert__(self):
        return _Condition(lambda item: not self(item), f"(NOT {self})")

    def __str__(self):
        return self._text

    __repr__ = __str__


_MISSING = object()


def _compare(a, b, op):
    if a is _MISSING:
        return False

    def number(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    if not ((number(a) and number(b)) or type(a) is type(b)):
        return op == "<>"  # values of different types are never equal, and never in order
    return {"=": a == b, "<>": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


class Key:
    """A key condition for Table.query, as in boto3.dynamodb.conditions: Key("user").eq("ada")
    & Key("time").begins_with("2025-01")."""

    def __init__(self, name):
        self.name = name

    def _cond(self, op, value, test, text=None):
        cond = _Condition(test, text or f"{self.name} {op} {value!r}")
        cond.key, cond.op, cond.value = self.name, op, value
        return cond

    def _get(self, item):
        return item.get(self.name, _MISSING)

    def eq(self, value):
        return self._cond("=", value, lambda item: _compare(self._get(item), value, "="))

    def lt(self, value):
        return self._cond("<", value, lambda item: _compare(self._get(item), value, "<"))

    def lte(self, value):
        return self._cond("<=", value, lambda item: _compare(self._get(item), value, "<="))

    def gt(self, value):
        return self._cond(">", value, lambda item: _compare(self._get(item), value, ">"))

    def gte(self, value):
        return self._cond(">=", value, lambda item: _compare(self._get(item), value, ">="))

    def between(self, low, high):
        return self._cond(
            "between",
            (low, high),
            lambda item: _compare(self._get(item), low, ">=") and _compare(self._get(item), high, "<="),
            f"{self.name} BETWEEN {low!r} AND {high!r}",
        )

    def begins_with(self, prefix):
        def test(item):
            value = self._get(item)
            return isinstance(value, type(prefix)) and value.startswith(prefix)

        return self._cond("begins_with", prefix, test, f"begins_with({self.name}, {prefix!r})")


class Attr(Key):
    """A condition on any attribute, for ConditionExpression (and scan's FilterExpression):
    Attr("id").not_exists() makes put_item fail with ConditionalCheckFailedException if the item is there."""

    def ne(self, value):
        return self._cond("<>", value, lambda item: _compare(self._get(item), value, "<>"))

    def exists(self):
        return self._cond("exists", None, lambda item: self.name in item, f"attribute_exists({self.name})")

    def not_exists(self):
        return self._cond("not_exists", None, lambda item: self.name not in item, f"attribute_not_exists({self.name})")

    def is_in(self, values):
        values = list(values)
        return self._cond("in", values, lambda item: self._get(item) in values, f"{self.name} IN {values!r}")


_KEY_TYPES = (str, int, float, bytes)


class DynamoDB(_Service):
    """Amazon DynamoDB in small: tables of items (dicts) found by key."""

    service = "dynamodb"
    throttling = ProvisionedThroughputExceededException

    def __init__(self, cloud):
        super().__init__(cloud)
        self._tables = {}

    def _errors(self):
        return (*super()._errors(), ResourceNotFoundException, ResourceInUseException, ConditionalCheckFailedException)

    def create_table(self, *, TableName, PartitionKey, SortKey=None):
        """A new, empty table whose items are found by PartitionKey (and ordered by SortKey, if given).

        Simplified: DynamoDB takes KeySchema=[{"AttributeName": ..., "KeyType": "HASH"}, ...]."""
        for value, what in ((TableName, "TableName"), (PartitionKey, "PartitionKey")):
            _check_name(value, what, "CreateTable")
        if SortKey is not None:
            _check_name(SortKey, "SortKey", "CreateTable")

        def work():
            if TableName in self._tables:
                raise ResourceInUseException(f"Table already exists: {TableName}", "CreateTable")
            self._tables[TableName] = Table(self, TableName, PartitionKey, SortKey)
            return self._tables[TableName]

        return self._call("CreateTable", work, mutates=True)

    def Table(self, name):  # boto3 spells it so: dynamodb.Table("orders")
        """The table called `name`, as boto3's resource gives it."""
        if name not in self._tables:
            raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found", "DescribeTable")
        return self._tables[name]


class Table:
    """One DynamoDB table: put_item, get_item, delete_item, query (one partition), scan (everything).

    Items go in and come out as copies, as over the network: changing a dict you got back does not
    change the table."""

    def __init__(self, service, name, partition_key, sort_key):
        self._service, self.name = service, name
        self.partition_key, self.sort_key = partition_key, sort_key
        self._items = {}  # (partition value, sort value or None) -> item

    def __repr__(self):
        return f"Table(name={self.name!r})"

    @property
    def item_count(self):
        return len(self._items)

    def _key(self, key, operation):
        names = [self.partition_key] + ([self.sort_key] if self.sort_key else [])
        if not isinstance(key, dict):
            raise ValidationException(f"the key must be a dict with {', '.join(names)}", operation)
        for name in names:
            if name not in key:
                raise ValidationException(
                    f"One of the required keys was not given a value: {name} (this table's key is {' + '.join(names)})",
                    operation,
                )
            value = key[name]
            if not isinstance(value, _KEY_TYPES) or isinstance(value, bool) or value == "":
                raise ValidationException(
                    f"The key {name} must be a non-empty str, a number or bytes, not {value!r}", operation
                )
        return (key[self.partition_key], key[self.sort_key] if self.sort_key else None)

    def put_item(self, *, Item, ConditionExpression=None):
        """Store Item (a dict with the table's key attributes), replacing any item with the same key.
        With ConditionExpression (e.g. Attr("order_id").not_exists()) the put only happens if the
        condition holds for the item already there; otherwise ConditionalCheckFailedException."""
        key = self._key(Item, "PutItem")
        try:
            item = json.loads(json.dumps(Item))
        except (TypeError, ValueError) as error:
            raise ValidationException(f"the item must be made of JSON-like values: {error}", "PutItem") from None

        def work():
            if ConditionExpression is not None and not ConditionExpression(self._items.get(key, {})):
                raise ConditionalCheckFailedException("The conditional request failed", "PutItem")
            self._items[key] = item
            return {}

        return self._service._call("PutItem", work, mutates=True)

    def get_item(self, *, Key):
        """{"Item": a copy of the item}, or {} if there is none (use .get("Item"))."""
        key = self._key(Key, "GetItem")

        def work():
            return {"Item": copy.deepcopy(self._items[key])} if key in self._items else {}

        return self._service._call("GetItem", work)

    def delete_item(self, *, Key, ConditionExpression=None):
        key = self._key(Key, "DeleteItem")

        def work():
            if ConditionExpression is not None and not ConditionExpression(self._items.get(key, {})):
                raise ConditionalCheckFailedException("The conditional request failed", "DeleteItem")
            self._items.pop(key, None)
            return {}

        return self._service._call("DeleteItem", work, mutates=True)

    def query(self, *, KeyConditionExpression, ScanIndexForward=True, Limit=None, FilterExpression=None):
        """The items of one partition: KeyConditionExpression=Key(partition key).eq(value), optionally
        & a condition on the sort key; sorted by sort key (ScanIndexForward=False: newest first)."""
        leaves = _leaves(KeyConditionExpression)
        partition = [c for c in leaves if getattr(c, "key", None) == self.partition_key and c.op == "="]
        sort = [c for c in leaves if c not in partition]
        if len(partition) != 1 or len(sort) > 1 or (sort and getattr(sort[0], "key", None) != self.sort_key):
            raise ValidationException(
                f"Query condition missed key schema element: use Key({self.partition_key!r}).eq(...)"
                + (f", optionally & a condition on Key({self.sort_key!r})" if self.sort_key else ""),
                "Query",
            )

        def work():
            items = [
                item
                for (pk, _), item in self._items.items()
                if pk == partition[0].value and (not sort or sort[0](item))
            ]
            if self.sort_key:
                items.sort(key=lambda item: item[self.sort_key], reverse=not ScanIndexForward)
            count = len(items)
            if FilterExpression is not None:
                items = [item for item in items if FilterExpression(item)]
            if Limit is not None:
                items = items[:Limit]
            return {"Items": copy.deepcopy(items), "Count": len(items), "ScannedCount": count}

        return self._service._call("Query", work)

    def scan(self, *, FilterExpression=None):
        """Every item (in key order), or those FilterExpression keeps. Reads the whole table."""

        def work():
            items = [self._items[key] for key in sorted(self._items, key=repr)]
            kept = [item for item in items if FilterExpression is None or FilterExpression(item)]
            return {"Items": copy.deepcopy(kept), "Count": len(kept), "ScannedCount": len(items)}

        return self._service._call("Scan", work)


def _leaves(condition):
    if not isinstance(condition, _Condition):
        raise ValidationException(f"KeyConditionExpression must be made with Key(...), not {condition!r}", "Query")
    if condition.parts:
        return [leaf for part in condition.parts for leaf in _leaves(part)]
    return [condition]


# --------------------------------------------------------------------------- Lambda


COLD_START_SECONDS = 0.25  # simulated time to start an execution environment
RUN_SECONDS = 0.003  # simulated time a handler takes, besides the sleeps it makes
IDLE_SECONDS = 600  # an environment unused for this long is shut down: the next call starts cold
ASYNC_RETRY_DELAYS = (60, 120)  # after a failed "Event" invocation, Lambda tries twice more


class LambdaContext:
    """The `context` a handler receives, as in AWS Lambda's Python runtime."""

    def __init__(self, function, request_id, deadline, clock):
        self.function_name = function["name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn = function["arn"]
        self.memory_limit_in_mb = function["memory"]
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function['name']}"
        self.log_stream_name = function["stream"]
        self._deadline, self._clock = deadline, clock

    def get_remaining_time_in_millis(self):
        """How long the handler may still run before it is stopped (simulated milliseconds)."""
        return max(0, round((self._deadline - self._clock.now()) * 1000))

    def __repr__(self):
        return f"LambdaContext(function_name={self.function_name!r}, aws_request_id={self.aws_request_id!r})"


class Lambda(_Service):
    """AWS Lambda in small: invoke(FunctionName=..., Payload=event) calls handler(event, context).

    The first call starts an execution environment (a cold start: Init runs, if given, and the
    REPORT line in LogResult shows "Init Duration"); later calls reuse it (warm) until it has been
    idle for IDLE_SECONDS, its code changes, or a call timed out. Simulated time passes as the
    handler sleeps on the account's clock; a handler that runs past Timeout seconds fails with
    "Task timed out". InvocationType="Event" runs it asynchronously: failures are retried twice,
    and with the `duplicate` fault the event is delivered twice, as at-least-once delivery allows.
    """

    service = "lambda"
    throttling = TooManyRequestsException

    def __init__(self, cloud):
        super().__init__(cloud)
        self._functions = {}

    def _errors(self):
        return (*super()._errors(), ResourceNotFoundException, ResourceInUseException)

    def create_function(self, *, FunctionName, Handler, Timeout=3, MemorySize=128, Init=None):
        """Handler is a function handler(event, context); Init (optional, no arguments) runs at each cold
        start, like a real function's module-level code. Simplified: AWS takes code in a zip and a
        handler name. Timeout is in seconds (1 to 900), MemorySize in MB (128 to 10240)."""
        _check_name(FunctionName, "FunctionName", "CreateFunction")
        if not callable(Handler) or (Init is not None and not callable(Init)):
            raise ValidationException("Handler (and Init, if given) must be functions", "CreateFunction")
        if not isinstance(Timeout, (int, float)) or isinstance(Timeout, bool) or not 1 <= Timeout <= 900:
            raise ValidationException(f"Timeout is 1 to 900 seconds, not {Timeout!r}", "CreateFunction")
        if not isinstance(MemorySize, int) or not 128 <= MemorySize <= 10240:
            raise ValidationException(f"MemorySize is 128 to 10240 MB, not {MemorySize!r}", "CreateFunction")
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FunctionName}"

        def work():
            if FunctionName in self._functions:
                raise ResourceInUseException(f"Function already exist: {FunctionName}", "CreateFunction")
            self._functions[FunctionName] = {
                "name": FunctionName,
                "arn": arn,
                "handler": Handler,
                "init": Init,
                "timeout": float(Timeout),
                "memory": MemorySize,
                "warm_until": None,  # the environment is shut down after this simulated time
                "stream": "",
                "invocations": 0,
                "cold_starts": 0,
            }
            return {"FunctionName": FunctionName, "FunctionArn": arn, "Timeout": Timeout, "MemorySize": MemorySize}

        return self._call("CreateFunction", work, mutates=True)

    def update_function_code(self, *, FunctionName, Handler, Init=None):
        """New code for a function: the next call starts cold."""

        def work():
            function = self._function(FunctionName, "UpdateFunctionCode")
            function.update(handler=Handler, init=Init, warm_until=None)
            return {"FunctionName": FunctionName, "FunctionArn": function["arn"]}

        return self._call("UpdateFunctionCode", work, mutates=True)

    def get_function(self, *, FunctionName):
        """Configuration, plus counts this simulation keeps: Invocations and ColdStarts."""

        def work():
            f = self._function(FunctionName, "GetFunction")
            return {
                "Configuration": {
                    "FunctionName": f["name"],
                    "FunctionArn": f["arn"],
                    "Timeout": f["timeout"],
                    "MemorySize": f["memory"],
                },
                "Invocations": f["invocations"],
                "ColdStarts": f["cold_starts"],
            }

        return self._call("GetFunction", work)

    def _function(self, name, operation):
        if name not in self._functions:
            raise ResourceNotFoundException(f"Function not found: {name}", operation)
        return self._functions[name]

    def invoke(self, *, FunctionName, Payload=b"{}", InvocationType="RequestResponse", LogType="None"):
        """Call the function with the event in Payload (JSON text or bytes; a dict is turned into JSON).

        RequestResponse (the default) waits for the answer: {"StatusCode": 200, "Payload": StreamingBody
        of the JSON result, "LogResult": the log lines, and "FunctionError": "Unhandled" if the handler
        raised or timed out}. Read the result with json.loads(response["Payload"].read()).
        Event: {"StatusCode": 202} at once; the handler runs (and is retried on failure) before invoke returns.
        """
        if InvocationType not in ("RequestResponse", "Event"):
            raise ValidationException(
                f"InvocationType must be RequestResponse or Event, not {InvocationType!r}", "Invoke"
            )
        if isinstance(Payload, (dict, list)):
            Payload = json.dumps(Payload)
        try:
            text = Payload.decode() if isinstance(Payload, (bytes, bytearray)) else Payload
            json.loads(text)
        except (AttributeError, TypeError, ValueError):
            raise ValidationException(
                "Could not parse request body into json: Payload must be JSON text (json.dumps(event))", "Invoke"
            ) from None
        request_id = self._cloud.new_id()

        def work():
            function = self._function(FunctionName, "Invoke")
            if InvocationType == "RequestResponse":
                return self._run(function, text, request_id)
            deliveries = 2 if self._cloud.faults.roll(f"lambda.deliver {request_id}", ("duplicate",)) else 1
            for _ in range(deliveries):
                for delay in (0, *ASYNC_RETRY_DELAYS):
                    self._cloud.clock._advance(delay)
                    if "FunctionError" not in self._run(function, text, request_id):
                        break
            return {"StatusCode": 202, "Payload": StreamingBody(b"")}

        return self._call("Invoke", work, mutates=True)

    def _run(self, function, text, request_id):
        clock = self._cloud.clock
        function["invocations"] += 1
        cold = function["warm_until"] is None or clock.now() > function["warm_until"]
        init_seconds, error, init_failed = 0.0, None, False
        if cold:
            function["cold_starts"] += 1
            function["stream"] = f"{clock.datetime():%Y/%m/%d}/[$LATEST]{self._cloud.new_id().replace('-', '')}"
            started = clock.now()
            clock._advance(COLD_START_SECONDS)
            try:
                if function["init"] is not None:
                    function["init"]()
            except Exception as exc:  # a failed Init fails the call, and the next call starts cold again
                error, init_failed = exc, True
            init_seconds = clock.now() - started
        started = clock.now()
        deadline = started + function["timeout"]
        payload = b"null"
        if error is None:
            try:
                result = function["handler"](json.loads(text), LambdaContext(function, request_id, deadline, clock))
                payload = json.dumps(result).encode()  # a result that is not JSON-like fails, as on AWS
            except Exception as exc:  # the handler's error becomes the answer, as on AWS
                error = exc
        clock._advance(RUN_SECONDS)
        timed_out = clock.now() > deadline
        if timed_out:
            message = f"{clock.timestamp()} {request_id} Task timed out after {function['timeout']:.2f} seconds"
            payload = json.dumps({"errorMessage": message, "errorType": "Sandbox.Timedout"}).encode()
        elif error is not None:
            frames = traceback.format_tb(error.__traceback__)[1:]
            payload = json.dumps(
                {
                    "errorMessage": str(error),
                    "errorType": type(error).__name__,
                    "stackTrace": [f.strip() for f in frames],
                }
            ).encode()
        # A timed-out environment, or one whose Init failed, is not used again.
        function["warm_until"] = None if timed_out or init_failed else clock.now() + IDLE_SECONDS
        duration_ms = (min(clock.now(), deadline) - started) * 1000
        report = (
            f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\tBilled Duration: "
            f"{max(1, math.ceil(round(duration_ms, 6)))} ms\tMemory Size: {function['memory']} MB"
        )
        if cold:
            report += f"\tInit Duration: {init_seconds * 1000:.2f} ms"
        log = f"START RequestId: {request_id} Version: $LATEST\nEND RequestId: {request_id}\n{report}\n"
        answer = {"StatusCode": 200, "ExecutedVersion": "$LATEST", "LogResult": log, "Payload": StreamingBody(payload)}
        if timed_out or error is not None:
            answer["FunctionError"] = "Unhandled"
        return answer


# --------------------------------------------------------------------------- HTTP


class _Headers(dict):
    """Header names match whatever their capitals, as in requests."""

    def __init__(self, headers=None):
        super().__init__()
        for name, value in (headers or {}).items():
            self[name] = value

    def _find(self, name):
        lower = str(name).lower()
        return next((key for key in self if key.lower() == lower), name)

    def __setitem__(self, name, value):
        super().pop(self._find(name), None)
        super().__setitem__(name, value)

    def __getitem__(self, name):
        return super().__getitem__(self._find(name))

    def __contains__(self, name):
        return super().__contains__(self._find(name))

    def get(self, name, default=None):
        return super().get(self._find(name), default)


class Response:
    """A simulated HTTP answer with the parts of requests.Response that lessons use:
    status_code, ok, reason, headers, url, content, text, json() and raise_for_status()."""

    def __init__(self, status_code, body=b"", *, headers=None, url=""):
        if not isinstance(status_code, int) or not 100 <= status_code <= 599:
            raise ValueError(f"status_code is a number from 100 to 599, not {status_code!r}")
        self.status_code, self.url = status_code, url
        self.headers = _Headers(headers)
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            self.headers.setdefault("Content-Type", "application/json")
        self.content = body.encode() if isinstance(body, str) else bytes(body)

    @property
    def ok(self):
        return self.status_code < 400

    @property
    def reason(self):
        try:
            return http.HTTPStatus(self.status_code).phrase
        except ValueError:
            return ""

    @property
    def text(self):
        return self.content.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.text)

    def raise_for_status(self):
        """Raise HTTPError for a 4xx or 5xx status, as requests does."""
        if 400 <= self.status_code < 600:
            kind = "Client" if self.status_code < 500 else "Server"
            raise HTTPError(f"{self.status_code} {kind} Error: {self.reason} for url: {self.url}", response=self)

    def __repr__(self):
        return f"<Response [{self.status_code}] (simulated)>"
