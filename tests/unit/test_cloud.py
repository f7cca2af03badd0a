"""cloud.py simulates an object store, a queue, a table and functions in the shapes of S3, SQS, DynamoDB
and Lambda, on a simulated clock, with faults that come from a seed: the same calls give the same results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "site" / "static" / "py"))

import cloud


@pytest.fixture
def aws():
    return cloud.Cloud(seed=1)


def error_code(error: pytest.ExceptionInfo) -> str:
    return error.value.response["Error"]["Code"]


# --------------------------------------------------------------------------- clock and faults


def test_cloud_clock_sleep_moves_simulated_time_at_once():
    clock = cloud.Clock()
    clock.sleep(2.5)
    clock.sleep(0)
    assert clock.now() == 2.5
    assert clock.sleeps == [2.5, 0]
    assert clock.timestamp() == "2025-01-01T00:00:02.500Z"
    with pytest.raises(ValueError, match="0 or more"):
        clock.sleep(-1)
    with pytest.raises(TypeError):
        clock.sleep("1")


def test_cloud_faults_are_the_same_for_the_same_seed_and_differ_between_seeds():
    def outcomes(seed):
        faults = cloud.Faults(seed, throttle=0.3, error=0.2, timeout=0.1)
        return [faults.roll("op") for _ in range(50)]

    assert outcomes(3) == outcomes(3)
    assert outcomes(3) != outcomes(4)
    kinds = set(outcomes(3))
    assert kinds == {None, "throttle", "error", "timeout"}


def test_cloud_faults_rates_are_roughly_what_was_asked():
    faults = cloud.Faults(0, throttle=0.25)
    rolls = [faults.roll("op") for _ in range(4000)]
    assert 0.22 < rolls.count("throttle") / len(rolls) < 0.28
    assert faults.history[0][0] == "op"


def test_cloud_faults_force_gives_exactly_those_outcomes_then_the_rates():
    faults = cloud.Faults(0, throttle=1.0).force(None, "timeout")
    assert faults.roll("a") is None
    assert faults.roll("duplicate?", ("duplicate",)) is None  # a forced call outcome waits for a call
    assert faults.roll("b") == "timeout"
    assert faults.roll("c") == "throttle"
    assert faults.off().roll("d") is None


@pytest.mark.parametrize(
    ("rates", "error"),
    [({"throttle": 2}, ValueError), ({"throtle": 0.1}, TypeError), ({"throttle": 0.6, "error": 0.6}, ValueError)],
)
def test_cloud_faults_refuse_bad_rates(rates, error):
    with pytest.raises(error):
        cloud.Faults(0, **rates)


def test_cloud_ids_do_not_change_when_faults_are_switched_on():
    quiet, noisy = cloud.Cloud(seed=5), cloud.Cloud(seed=5)
    noisy.faults.set(duplicate=0.5)
    for account in (quiet, noisy):
        account.client("sqs").create_queue(QueueName="q")
    sent = [
        account.client("sqs").send_message(
            QueueUrl=account.client("sqs").get_queue_url(QueueName="q")["QueueUrl"], MessageBody="x"
        )
        for account in (quiet, noisy)
    ]
    assert sent[0]["MessageId"] == sent[1]["MessageId"]


def test_cloud_unknown_service_names_the_known_ones(aws):
    with pytest.raises(ValueError, match="s3, sqs, dynamodb, lambda"):
        aws.client("ec2")
    assert aws.client("s3") is aws.client("s3")


# --------------------------------------------------------------------------- S3


def test_cloud_s3_put_get_and_missing_key(aws):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="reports")
    etag = s3.put_object(Bucket="reports", Key="2025/jan.csv", Body="a,b\n1,2\n")["ETag"]
    got = s3.get_object(Bucket="reports", Key="2025/jan.csv")
    assert got["Body"].read() == b"a,b\n1,2\n"
    assert got["Body"].read() == b""  # a body is read once, as in boto3
    assert got["ContentLength"] == 8 and got["ETag"] == etag and etag.startswith('"')
    with pytest.raises(s3.exceptions.NoSuchKey) as missing:
        s3.get_object(Bucket="reports", Key="2025/feb.csv")
    assert error_code(missing) == "NoSuchKey"
    assert isinstance(missing.value, cloud.ClientError)
    assert "(NoSuchKey) when calling the GetObject operation" in str(missing.value)
    with pytest.raises(s3.exceptions.NoSuchBucket):
        s3.get_object(Bucket="nope", Key="x")


def test_cloud_s3_bodies_are_bytes_or_text_and_buckets_are_named_like_s3(aws):
    s3 = aws.client("s3")
    with pytest.raises(s3.exceptions.InvalidBucketName):
        s3.create_bucket(Bucket="My_Bucket")
    s3.create_bucket(Bucket="data")
    with pytest.raises(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket="data")
    with pytest.raises(TypeError, match=r"json\.dumps"):
        s3.put_object(Bucket="data", Key="x.json", Body={"a": 1})
    s3.put_object(Bucket="data", Key="b.bin", Body=b"\x00\x01")
    s3.delete_object(Bucket="data", Key="b.bin")
    s3.delete_object(Bucket="data", Key="b.bin")  # deleting what is not there is fine, as in S3
    assert "Contents" not in s3.list_objects_v2(Bucket="data")  # an empty listing has no Contents


def test_cloud_s3_lists_by_prefix_in_pages_and_groups_by_delimiter(aws):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="logs")
    keys = ["2025/01/a.log", "2025/01/b.log", "2025/02/c.log", "2026/01/d.log", "readme.txt"]
    for key in reversed(keys):
        s3.put_object(Bucket="logs", Key=key, Body=key)
    listed = s3.list_objects_v2(Bucket="logs", Prefix="2025/")
    assert [o["Key"] for o in listed["Contents"]] == keys[:3] and listed["KeyCount"] == 3
    assert listed["IsTruncated"] is False and "NextContinuationToken" not in listed
    pages, token = [], None
    while True:
        options = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket="logs", MaxKeys=2, **options)
        pages.append([o["Key"] for o in page.get("Contents", [])])
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert pages == [keys[:2], keys[2:4], keys[4:]]
    grouped = s3.list_objects_v2(Bucket="logs", Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["2025/", "2026/"]
    assert [o["Key"] for o in grouped["Contents"]] == ["readme.txt"]
    months = s3.list_objects_v2(Bucket="logs", Prefix="2025/", Delimiter="/", MaxKeys=1)
    assert [p["Prefix"] for p in months["CommonPrefixes"]] == ["2025/01/"] and months["IsTruncated"]
    rest = s3.list_objects_v2(
        Bucket="logs", Prefix="2025/", Delimiter="/", ContinuationToken=months["NextContinuationToken"]
    )
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["2025/02/"]
    assert s3.list_objects is not None and s3.list_objects(Bucket="logs", Prefix="2026/")["KeyCount"] == 1


def test_cloud_s3_throttling_uses_s3s_own_error_code(aws):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="busy")
    aws.faults.force("throttle")
    with pytest.raises(cloud.ThrottlingError) as throttled:
        s3.put_object(Bucket="busy", Key="k", Body="x")
    assert error_code(throttled) == "SlowDown"
    assert isinstance(throttled.value, s3.exceptions.SlowDown)


# --------------------------------------------------------------------------- SQS


def queue(aws, visibility="30"):
    sqs = aws.client("sqs")
    return sqs, sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": visibility})["QueueUrl"]


def test_cloud_sqs_received_messages_are_hidden_until_deleted(aws):
    sqs, url = queue(aws)
    assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"job": n}))
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    assert [json.loads(m["Body"])["job"] for m in first] == [0, 1]
    second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["job"] for m in second] == [2]
    assert sqs.receive_message(QueueUrl=url) == {}  # nothing visible: no "Messages" key, as in SQS
    for message in first + second:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    aws.clock.sleep(60)
    assert sqs.receive_message(QueueUrl=url) == {}
    assert sqs.get_queue_attributes(QueueUrl=url)["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_cloud_sqs_a_message_not_deleted_in_time_comes_back(aws):
    sqs, url = queue(aws, visibility="10")
    sqs.send_message(QueueUrl=url, MessageBody="resize photo 7")
    first = sqs.receive_message(QueueUrl=url)["Messages"][0]
    aws.clock.sleep(9)
    assert sqs.receive_message(QueueUrl=url) == {}
    aws.clock.sleep(2)
    again = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert again["MessageId"] == first["MessageId"] and again["ReceiptHandle"] != first["ReceiptHandle"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])  # out of date: deletes nothing
    aws.clock.sleep(11)
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "3"
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="made-up")


def test_cloud_sqs_visibility_can_be_changed_and_long_polling_waits_on_the_clock(aws):
    sqs, url = queue(aws)
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=5)
    start = aws.clock.now()
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)["Messages"]
    assert got[0]["Body"] == "later" and 5 <= aws.clock.now() - start < 6
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"], VisibilityTimeout=0)
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "later"
    before = aws.clock.now()
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=3) == {}
    assert aws.clock.now() - before >= 3


def test_cloud_sqs_duplicate_fault_delivers_a_deleted_message_again(aws):
    sqs, url = queue(aws)
    sqs.send_message(QueueUrl=url, MessageBody="charge order 42")
    message = sqs.receive_message(QueueUrl=url)["Messages"][0]
    aws.faults.force("duplicate")
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    copy = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert copy["MessageId"] == message["MessageId"] and copy["Body"] == "charge order 42"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=copy["ReceiptHandle"])
    assert sqs.receive_message(QueueUrl=url) == {}


def test_cloud_sqs_bodies_are_text_and_unknown_queues_fail(aws):
    sqs, url = queue(aws)
    with pytest.raises(sqs.exceptions.ValidationException, match=r"json\.dumps"):
        sqs.send_message(QueueUrl=url, MessageBody={"job": 1})
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=url + "-typo", MessageBody="x")
    with pytest.raises(sqs.exceptions.ValidationException):
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11)


def test_cloud_a_timed_out_write_may_or_may_not_have_happened():
    happened = []
    for seed in range(20):
        aws = cloud.Cloud(seed=seed)
        sqs, url = queue(aws)
        aws.faults.force("timeout")
        before = aws.clock.now()
        with pytest.raises(cloud.Timeout, match="may or may not"):
            sqs.send_message(QueueUrl=url, MessageBody="x")
        assert aws.clock.now() - before >= cloud.TIMEOUT_SECONDS
        happened.append("Messages" in sqs.receive_message(QueueUrl=url))
    assert True in happened and False in happened


# --------------------------------------------------------------------------- DynamoDB


@pytest.fixture
def orders(aws):
    table = aws.client("dynamodb").create_table(TableName="orders", PartitionKey="customer", SortKey="order")
    for customer, order, total in [("ada", "2025-03", 30), ("ada", "2025-01", 10), ("bob", "2025-02", 5)]:
        table.put_item(Item={"customer": customer, "order": order, "total": total})
    table.put_item(Item={"customer": "ada", "order": "2025-02", "total": 20})
    return table


def test_cloud_dynamodb_get_item_returns_a_copy_or_nothing(aws, orders):
    got = orders.get_item(Key={"customer": "ada", "order": "2025-01"})["Item"]
    assert got == {"customer": "ada", "order": "2025-01", "total": 10}
    got["total"] = 999
    assert orders.get_item(Key={"customer": "ada", "order": "2025-01"})["Item"]["total"] == 10
    assert orders.get_item(Key={"customer": "ada", "order": "1999-01"}) == {}
    assert aws.client("dynamodb").Table("orders") is orders
    with pytest.raises(cloud.ClientError) as bad:
        orders.get_item(Key={"customer": "ada"})
    assert error_code(bad) == "ValidationException" and "order" in str(bad.value)


def test_cloud_dynamodb_query_one_partition_sorted_by_sort_key(orders):
    Key = cloud.Key
    ada = orders.query(KeyConditionExpression=Key("customer").eq("ada"))
    assert [i["order"] for i in ada["Items"]] == ["2025-01", "2025-02", "2025-03"] and ada["Count"] == 3
    newest = orders.query(KeyConditionExpression=Key("customer").eq("ada"), ScanIndexForward=False, Limit=1)
    assert [i["order"] for i in newest["Items"]] == ["2025-03"]
    spring = orders.query(KeyConditionExpression=Key("customer").eq("ada") & Key("order").between("2025-02", "2025-03"))
    assert [i["order"] for i in spring["Items"]] == ["2025-02", "2025-03"]
    feb = orders.query(KeyConditionExpression=Key("customer").eq("ada") & Key("order").begins_with("2025-02"))
    assert feb["Count"] == 1
    big = orders.query(KeyConditionExpression=Key("customer").eq("ada"), FilterExpression=cloud.Attr("total").gt(15))
    assert big["Count"] == 2 and big["ScannedCount"] == 3
    with pytest.raises(cloud.ClientError, match="Key"):
        orders.query(KeyConditionExpression=Key("order").eq("2025-01"))
    assert orders.scan(FilterExpression=cloud.Attr("total").lt(10))["Items"] == [
        {"customer": "bob", "order": "2025-02", "total": 5}
    ]


def test_cloud_dynamodb_conditional_put_writes_once(aws, orders):
    new = cloud.Attr("order").not_exists()
    orders.put_item(Item={"customer": "cy", "order": "2025-04", "total": 1}, ConditionExpression=new)
    with pytest.raises(aws.client("dynamodb").exceptions.ConditionalCheckFailedException):
        orders.put_item(Item={"customer": "cy", "order": "2025-04", "total": 2}, ConditionExpression=new)
    assert orders.get_item(Key={"customer": "cy", "order": "2025-04"})["Item"]["total"] == 1
    orders.put_item(
        Item={"customer": "cy", "order": "2025-04", "total": 3}, ConditionExpression=cloud.Attr("total").eq(1)
    )
    assert orders.item_count == 5
    with pytest.raises(cloud.ClientError, match="JSON-like"):
        orders.put_item(Item={"customer": "cy", "order": "x", "tags": {1, 2}})


def test_cloud_dynamodb_throttling_code(aws, orders):
    aws.faults.force("throttle")
    with pytest.raises(cloud.ThrottlingError) as throttled:
        orders.get_item(Key={"customer": "ada", "order": "2025-01"})
    assert error_code(throttled) == "ProvisionedThroughputExceededException"


# --------------------------------------------------------------------------- Lambda


def test_cloud_lambda_context_cold_and_warm_starts(aws):
    lam, seen, inits = aws.client("lambda"), [], []

    def handler(event, context):
        seen.append((context.aws_request_id, context.get_remaining_time_in_millis(), context.function_name))
        aws.clock.sleep(event.get("work", 0))
        return {"hello": event["name"], "left_ms": context.get_remaining_time_in_millis()}

    lam.create_function(FunctionName="greet", Handler=handler, Timeout=3, Init=lambda: inits.append(1))
    first = lam.invoke(FunctionName="greet", Payload=json.dumps({"name": "Ada", "work": 1}))
    assert first["StatusCode"] == 200 and "FunctionError" not in first
    assert json.loads(first["Payload"].read()) == {"hello": "Ada", "left_ms": 2000}
    assert "Init Duration" in first["LogResult"]
    warm = lam.invoke(FunctionName="greet", Payload={"name": "Bo"})
    assert "Init Duration" not in warm["LogResult"]
    assert seen[0][1] == 3000 and seen[0][2] == "greet" and seen[0][0] != seen[1][0]
    aws.clock.sleep(cloud.IDLE_SECONDS + 1)
    assert "Init Duration" in lam.invoke(FunctionName="greet", Payload={"name": "Cy"})["LogResult"]
    assert len(inits) == 2
    assert lam.get_function(FunctionName="greet")["ColdStarts"] == 2


def test_cloud_lambda_errors_and_timeouts_come_back_as_function_errors(aws):
    lam = aws.client("lambda")

    def handler(event, context):
        if event["n"] == 0:
            raise ValueError("n must not be 0")
        aws.clock.sleep(event["n"])
        return "done"

    lam.create_function(FunctionName="f", Handler=handler, Timeout=2)
    failed = lam.invoke(FunctionName="f", Payload={"n": 0})
    body = json.loads(failed["Payload"].read())
    assert failed["FunctionError"] == "Unhandled" and body["errorType"] == "ValueError"
    assert body["errorMessage"] == "n must not be 0"
    slow = lam.invoke(FunctionName="f", Payload={"n": 5})
    assert slow["FunctionError"] == "Unhandled"
    assert "Task timed out after 2.00 seconds" in json.loads(slow["Payload"].read())["errorMessage"]
    assert "Init Duration" in lam.invoke(FunctionName="f", Payload={"n": 1})["LogResult"]  # not reused after a timeout
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.invoke(FunctionName="g")
    with pytest.raises(cloud.ClientError, match="JSON"):
        lam.invoke(FunctionName="f", Payload="not json")


def test_cloud_lambda_async_invocations_retry_failures_and_may_run_twice(aws):
    lam, runs = aws.client("lambda"), []

    def handler(event, context):
        runs.append(context.aws_request_id)
        if len(runs) == 1:
            raise RuntimeError("the database was busy")

    lam.create_function(FunctionName="job", Handler=handler)
    assert lam.invoke(FunctionName="job", Payload={}, InvocationType="Event")["StatusCode"] == 202
    assert len(runs) == 2 and runs[0] == runs[1]  # retried with the same request id
    aws.faults.force("duplicate")
    lam.invoke(FunctionName="job", Payload={}, InvocationType="Event")
    assert len(runs) == 4 and runs[2] == runs[3]
    aws.faults.force("throttle")
    with pytest.raises(lam.exceptions.TooManyRequestsException):
        lam.invoke(FunctionName="job", Payload={})


# --------------------------------------------------------------------------- HTTP


def test_cloud_response_is_shaped_like_requests():
    ok = cloud.Response(200, {"id": "web-1"}, url="https://api.example.com/x")
    assert ok.ok and ok.json() == {"id": "web-1"} and ok.headers["content-type"] == "application/json"
    ok.raise_for_status()
    busy = cloud.Response(429, "slow down", headers={"Retry-After": "2"}, url="https://api.example.com/x")
    assert not busy.ok and busy.headers.get("retry-after") == "2" and busy.text == "slow down"
    with pytest.raises(cloud.HTTPError, match="429 Client Error: Too Many Requests for url") as raised:
        busy.raise_for_status()
    assert raised.value.response is busy
    with pytest.raises(cloud.HTTPError, match="503 Server Error"):
        cloud.Response(503).raise_for_status()


def test_cloud_flaky_puts_seeded_faults_in_front_of_a_real_get():
    calls = []

    def get(url, **options):
        calls.append(url)
        return cloud.Response(200, {"url": url}, url=url)

    def statuses(seed):
        aws = cloud.Cloud(seed=seed)
        aws.faults.set(throttle=0.3, error=0.2)
        flaky = aws.flaky(get)
        return [flaky("https://site/api/x.json", timeout=5).status_code for _ in range(30)]

    first = statuses(6)
    assert first == statuses(6)
    assert {200, 429} <= set(first) and set(first) <= {200, 429, 500, 502, 503}
    assert calls.count("https://site/api/x.json") == 2 * first.count(200)  # faults never reach the server
    aws = cloud.Cloud(seed=1)
    flaky = aws.flaky(get)
    aws.faults.force("timeout")
    with pytest.raises(cloud.Timeout, match="within 2 s"):
        flaky("https://site/api/x.json", timeout=2)
    assert aws.clock.now() >= 2
    assert isinstance(cloud.Timeout("x"), TimeoutError)


def test_cloud_site_and_api_come_from_the_page(monkeypatch):
    import importlib

    monkeypatch.setenv("PYGROUND_SITE", "http://127.0.0.1:9/pyground/")
    module = importlib.reload(cloud)
    try:
        assert module.SITE == "http://127.0.0.1:9/pyground/"
        assert module.API == "http://127.0.0.1:9/pyground/api/"
    finally:
        monkeypatch.delenv("PYGROUND_SITE")
        importlib.reload(cloud)


def test_cloud_uses_only_the_standard_library():
    source = (Path(cloud.__file__)).read_text()
    imported = {line.split()[1].split(".")[0] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imported <= set(sys.stdlib_module_names)
