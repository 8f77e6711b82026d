#!/usr/bin/env python3
# One file on purpose (over 400 lines): an example a reader copies and runs as it is, with nothing to install.
"""A chaoslab node in Python 3, standard library only: the `log` service of docs/SEMANTICS.md.

Written from docs/PROTOCOL.md and docs/SEMANTICS.md as a second implementation of the wire protocol. The harness
starts it exactly like its own node (docs/YOUR-NODE.md has the contract):

    python3 node.py --id n2 --host 127.0.0.1 --port 4012 --data DIR --config-json JSON --name-service HOST:PORT

It serves RPC `call`s to `log.append`, `log.read` and `log.stats`, answers `ping` and `stats`, and registers
`log` with the lab's name service. Under `exactly-once` every append's execution, its dedup entry and its cached
reply are written in ONE checksummed, fsynced journal record before the reply leaves, so a SIGKILL at any instant
leaves either all of them or none; a restart rebuilds the table from the journal.
"""

import argparse
import asyncio
import hashlib
import json
import os
import signal
import struct
import sys
import time

HEADER = struct.Struct(">II")  # payload length, CRC-32C of the payload (both u32 big-endian)
READ_PAGE = 2000
# Appends running at once; more are refused `overloaded`, so that a flood of calls cannot exhaust the node.
MAX_RUNNING = 1024
# Message types of docs/PROTOCOL.md this node knows (it serves some and answers `no-handler` for the others).
KNOWN_TYPES = ("hello", "send", "receive", "done", "ping", "stats", "call")
NAMES_DEADLINE_MS = 2000


# ---- framing ---------------------------------------------------------------------------------------------------

def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    """Castagnoli CRC (reflected 0x82F63B78, init and final XOR 0xFFFFFFFF): crc32c(b"123456789") == 0xE3069283."""
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def encode_frame(message):
    payload = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return HEADER.pack(len(payload), crc32c(payload)) + payload


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse_json(payload):
    """Strict JSON, as a JavaScript peer reads it: NaN and Infinity are not numbers of JSON."""
    return json.loads(payload.decode("utf-8"), parse_constant=_no_constant)


def now_ms():
    return int(time.time() * 1000)


# ---- the node's log on stdout ----------------------------------------------------------------------------------

class Log:
    def __init__(self, node_id):
        self.node_id = node_id

    def __call__(self, event, **fields):
        line = {"ts": now_ms(), "node": self.node_id, "event": event, **fields}
        try:
            sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")
            sys.stdout.flush()
        except (OSError, ValueError):
            pass  # a log line lost is not worth a crashed node


# ---- durability: a journal of checksummed frames ----------------------------------------------------------------

class Journal:
    """`<data>/<name>.journal`: records in the wire's frame format, each on disk when its append() resolves.

    The records appended in one turn of the event loop are written and fsynced together (group commit): one fsync
    per record would make concurrent appends wait on each other's disk flushes.
    """

    def __init__(self, path):
        self.path = path
        self.records, dropped = self._recover(path)
        self.dropped_bytes = dropped
        self.file = open(path, "ab")
        self.pending = []  # (frame bytes, future) waiting for the next flush

    @staticmethod
    def _recover(path):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return [], 0
        records, offset = [], 0
        while offset + HEADER.size <= len(data):
            length, crc = HEADER.unpack_from(data, offset)
            end = offset + HEADER.size + length
            payload = data[offset + HEADER.size:end]
            if end > len(data) or crc32c(payload) != crc:
                break
            try:
                records.append(parse_json(payload))
            except (ValueError, RecursionError):
                break
            offset = end
        dropped = len(data) - offset
        if dropped:
            # A torn or corrupt tail is a write the crash interrupted: it was never acknowledged, so cut it off.
            with open(path, "r+b") as f:
                f.truncate(offset)
                f.flush()
                os.fsync(f.fileno())
        return records, dropped

    def append(self, record):
        """A future that resolves once the record is fsynced (or fails with the OSError)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.pending.append((encode_frame(record), future))
        if len(self.pending) == 1:
            loop.call_soon(self._flush)
        return future

    def _flush(self):
        batch, self.pending = self.pending, []
        try:
            self.file.write(b"".join(frame for frame, _ in batch))
            self.file.flush()
            os.fsync(self.file.fileno())
        except OSError as error:
            for _, future in batch:
                future.set_exception(error)
            return
        for _, future in batch:
            future.set_result(None)

    def close(self):
        self.file.close()


# ---- the dedup table and reply cache ----------------------------------------------------------------------------

class DedupTable:
    """(from, seq) -> running (a future of the reply) or done (the reply), forgotten below the sender's low-water mark."""

    def __init__(self):
        self.senders = {}  # from -> {"low": int, "entries": {seq: ("running", future) | ("done", reply)}}

    def _sender(self, sender, low_water):
        state = self.senders.setdefault(sender, {"low": 0, "entries": {}})
        if low_water is not None and low_water > state["low"]:
            state["low"] = low_water
            for seq in [s for s, e in state["entries"].items() if s < low_water and e[0] == "done"]:
                del state["entries"][seq]
        return state

    def admit(self, key, low_water):
        """("new", None), ("running", future), ("done", reply) or ("forgotten", None)."""
        state = self._sender(key["from"], low_water)
        entry = state["entries"].get(key["seq"])
        if entry is not None:
            return entry
        if key["seq"] < state["low"]:
            return ("forgotten", None)
        state["entries"][key["seq"]] = ("running", asyncio.get_running_loop().create_future())
        return ("new", None)

    def finish(self, key, reply):
        state = self.senders[key["from"]]
        entry = state["entries"].get(key["seq"])
        if key["seq"] >= state["low"]:
            state["entries"][key["seq"]] = ("done", reply)
        else:
            state["entries"].pop(key["seq"], None)
        if entry is not None and entry[0] == "running" and not entry[1].done():
            entry[1].set_result(reply)

    def abandon(self, key):
        """The call's record did not reach the disk: forget it, so that a retransmission runs it afresh.

        Copies waiting for it get no reply either (None), like the original.
        """
        entry = self.senders[key["from"]]["entries"].pop(key["seq"], None)
        if entry is not None and entry[0] == "running" and not entry[1].done():
            entry[1].set_result(None)

    def remember(self, key, reply, low_water):
        state = self._sender(key["from"], low_water)
        if key["seq"] >= state["low"]:
            state["entries"][key["seq"]] = ("done", reply)

    def size(self):
        return sum(len(state["entries"]) for state in self.senders.values())


# ---- the log service --------------------------------------------------------------------------------------------

class Refused(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _is_int(value, minimum=0):
    """An integer as JSON means it: `3` and `3.0` are the same number (as in JavaScript), `true` is not one."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _check_append(args):
    if not isinstance(args, dict):
        raise Refused("invalid-args", "log.append: invalid arguments: expected an object {id, body, digest}")
    bad = [f for f, ok in (("id", isinstance(args.get("id"), str) and args.get("id") != ""),
                           ("body", isinstance(args.get("body"), str)),
                           ("digest", isinstance(args.get("digest"), str))) if not ok]
    if bad:
        raise Refused("invalid-args", "log.append: invalid arguments: " + ", ".join(bad) + " missing or mistyped")
    return args


def _check_read(args):
    args = {} if args is None else args
    if not isinstance(args, dict):
        raise Refused("invalid-args", "log.read: invalid arguments: expected an object {offset?, limit?}")
    offset, limit = args.get("offset", 0), args.get("limit", READ_PAGE)
    if not _is_int(offset) or not (_is_int(limit, 1) and limit <= READ_PAGE):
        raise Refused("invalid-args", f"log.read: invalid arguments: offset >= 0, 1 <= limit <= {READ_PAGE}")
    return {"offset": offset, "limit": limit}


class LogService:
    """Executions recorded durably in every setting (the harness's ground truth); dedup per the node's setting."""

    def __init__(self, node_id, semantics, data_dir, log):
        self.node_id = node_id
        self.log = log
        self.executions = []
        self.running = 0
        dedups = semantics in ("exactly-once-volatile", "exactly-once")
        self.dedup = DedupTable() if dedups else None
        self.journal = Journal(os.path.join(data_dir, "log.journal")) if data_dir else None
        if self.journal:
            durable_dedup = semantics == "exactly-once"
            for record in self.journal.records:
                if not isinstance(record, dict) or record.get("t") != "exec":
                    continue
                self.executions.extend(record["executions"])
                if durable_dedup and self.dedup is not None:
                    self.dedup.remember(record["key"], record["reply"], record.get("lowWater"))
            log("executions-recovered", records=len(self.journal.records), executions=len(self.executions),
                dedupEntries=self.dedup.size() if self.dedup else 0, droppedBytes=self.journal.dropped_bytes)
            if self.journal.dropped_bytes:
                log("journal-truncated", journal="log", droppedBytes=self.journal.dropped_bytes)

    async def call(self, call):
        """The reply to one `call` ({result} or {error}), in the order of checks of docs/PROTOCOL.md."""
        if call["service"] != "log":
            return {"error": {"code": "no-such-service", "message": f"node {self.node_id} does not serve {call['service']}"}}
        proc = call["proc"]
        if proc not in ("append", "read", "stats"):
            return {"error": {"code": "no-such-procedure", "message": f"log has no procedure {proc} (it has append, read, stats)"}}
        if call["deadline"] < now_ms():
            return {"error": {"code": "deadline-exceeded", "message": f"log.{proc} arrived after its deadline"}}
        try:
            if proc == "read":
                page = _check_read(call.get("args"))
                return {"result": {"executions": self.executions[page["offset"]:page["offset"] + page["limit"]],
                                   "total": len(self.executions)}}
            if proc == "stats":
                return {"result": {"executions": len(self.executions), "dedupEntries": self.dedup.size() if self.dedup else 0}}
            args = _check_append(call.get("args"))
        except Refused as refused:
            return {"error": {"code": refused.code, "message": str(refused)}}
        if self.running >= MAX_RUNNING:
            return {"error": {"code": "overloaded", "message": f"node {self.node_id} runs {self.running} appends already"}}
        self.running += 1
        try:
            return await self._append(call, args)
        finally:
            self.running -= 1

    async def _append(self, call, args):
        key, low_water = call["key"], call.get("lowWater")
        if self.dedup is not None:
            kind, value = self.dedup.admit(key, low_water)
            if kind != "new":
                self.log("duplicate", service="log", key=key, kind=kind)
            if kind == "running":
                return await asyncio.shield(value)
            if kind == "done":
                return value
            if kind == "forgotten":
                return {"error": {"code": "duplicate",
                                  "message": f"{key['from']}:{key['seq']} was settled and forgotten (below the sender's low-water mark)"}}
        execution = {"id": args["id"], "node": self.node_id, "by": f"{self.node_id}/py", "key": key, "time": now_ms(),
                     "intact": hashlib.sha256(args["body"].encode("utf-8")).hexdigest() == args["digest"]}
        reply = {"result": {"ok": True}}
        record = {"t": "exec", "key": key, "reply": reply, "executions": [execution]}
        if low_water is not None:
            record["lowWater"] = low_water
        if self.journal:
            try:
                await self.journal.append(record)  # effect, dedup entry and cached reply: one record, on disk first
            except OSError as error:
                # Not on disk: no reply, so the caller retransmits or reports the call indeterminate.
                self.log("journal-error", key=key, error=str(error))
                if self.dedup is not None:
                    self.dedup.abandon(key)
                return None
        self.executions.append(execution)
        if self.dedup is not None:
            self.dedup.finish(key, reply)
        return reply


# ---- connections ------------------------------------------------------------------------------------------------

def _valid_call(message):
    call = message.get("call")
    if not _is_int(message.get("rid")) or not isinstance(call, dict):
        return "a call has rid (integer >= 0) and call (object)"
    key = call.get("key")
    checks = (
        ("call.service", isinstance(call.get("service"), str) and call["service"] != ""),
        ("call.proc", isinstance(call.get("proc"), str) and call["proc"] != ""),
        ("call.key", isinstance(key, dict) and isinstance(key.get("from"), str) and key["from"] != ""
         and _is_int(key.get("seq"))),
        ("call.deadline", isinstance(call.get("deadline"), (int, float)) and not isinstance(call.get("deadline"), bool)),
        ("call.lowWater", "lowWater" not in call or _is_int(call["lowWater"])),
    )
    bad = [name for name, ok in checks if not ok]
    return f"invalid 'call': {', '.join(bad)} missing or mistyped" if bad else None


class Node:
    def __init__(self, config, log):
        self.id = config["id"]
        self.config = config
        # The lab's id (docs/PROTOCOL.md, Connections: Lab id): a hello from another lab is refused.
        self.lab = config.get("lab")
        self.log = log
        self.max_frame = config.get("maxFrameBytes", 1024 * 1024)
        self.service = LogService(self.id, config.get("semantics", "at-least-once"), config.get("data"), log)
        self.counters = {"messagesIn": 0, "rejectedFrames": 0, "drops": {}}
        self.connections = 0
        self.writers = set()

    def drop(self, reason, **fields):
        if reason in ("corrupt", "oversize", "malformed", "partial"):
            self.counters["rejectedFrames"] += 1
        self.counters["drops"][reason] = self.counters["drops"].get(reason, 0) + 1
        self.log("drop", reason=reason, **fields)

    async def serve(self, reader, writer):
        """One accepted connection: hello first, then requests answered (in any order) on the same connection."""
        self.connections += 1
        connection = f"c{self.connections}"
        self.writers.add(writer)
        peer = None
        tasks = set()

        def send(answer):
            if not writer.is_closing():
                writer.write(encode_frame(answer))

        self.log("connect", direction="in", connection=connection)
        try:
            while True:
                # Back-pressure: a peer that does not read its answers stops being read.
                await writer.drain()
                try:
                    header = await reader.readexactly(HEADER.size)
                except asyncio.IncompleteReadError as eof:
                    if eof.partial:
                        self.drop("partial", peer=peer, detail=f"{len(eof.partial)} bytes of a header")
                    return
                length, crc = HEADER.unpack(header)
                if length > self.max_frame:
                    # Refused before buffering the body; where the next frame starts is unknown, so close.
                    self.drop("oversize", peer=peer, detail=f"frame of {length} bytes exceeds {self.max_frame}")
                    return
                try:
                    payload = await reader.readexactly(length)
                except asyncio.IncompleteReadError as eof:
                    self.drop("partial", peer=peer, detail=f"{len(eof.partial)} of {length} payload bytes")
                    return
                if crc32c(payload) != crc:
                    self.drop("corrupt", peer=peer, detail="checksum mismatch")
                    continue
                try:
                    message = parse_json(payload)
                except (ValueError, RecursionError) as error:
                    self.drop("malformed", peer=peer, detail=f"payload is not JSON: {error!r}")
                    continue
                self.counters["messagesIn"] += 1
                rid = message.get("rid") if isinstance(message, dict) and _is_int(message.get("rid")) else None
                kind = message.get("type") if isinstance(message, dict) else None
                if peer is None:
                    # Not a valid message: `invalid`, and it does not count as the first frame.
                    if not isinstance(kind, str) or kind not in KNOWN_TYPES:
                        self.drop("invalid", detail=f"not a known message type: {kind!r}")
                        send(_error("invalid", f"unknown message type {kind!r}", rid))
                        continue
                    if kind == "hello" and (not isinstance(message.get("node"), str) or message["node"] == ""):
                        self.drop("invalid", detail="hello without node")
                        send(_error("invalid", "invalid 'hello': node must be a non-empty string", rid))
                        continue
                    if kind != "hello":
                        # Perhaps the hello frame was lost on the way: the opener reconnects.
                        self.drop("hello-missing", type=kind)
                        send({"type": "error", "code": "hello-missing", "message": "a connection starts with hello"})
                        return
                    claimed = message.get("lab")
                    if self.lab is not None and claimed is not None and claimed != self.lab:
                        # Another lab's node at an address that was ours: serving it would mix two labs.
                        self.drop("wrong-lab", claimed=message["node"], lab=claimed)
                        send({"type": "error", "code": "wrong-lab",
                              "message": f"node '{self.id}' belongs to lab '{self.lab}', not to lab '{claimed}'"})
                        return
                    peer = message["node"]
                    self.log("hello", peer=peer, connection=connection)
                    send({"type": "welcome", "node": self.id, **({"lab": self.lab} if self.lab is not None else {})})
                    continue
                if not isinstance(kind, str) or kind == "":
                    self.drop("invalid", peer=peer, detail="not an object with a string type")
                    send(_error("invalid", "a message is a JSON object with a string `type`", rid))
                elif kind == "call":
                    problem = _valid_call(message)
                    if problem:
                        self.drop("invalid", peer=peer, detail=problem)
                        send(_error("invalid", problem, rid))
                    else:
                        self.log("msg-in", type="call", rid=rid, peer=peer, key=message["call"]["key"])
                        task = asyncio.ensure_future(self._answer_call(message, send))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                elif kind in ("ping", "stats") and rid is None:
                    self.drop("invalid", peer=peer, detail=f"{kind} without rid")
                    send(_error("invalid", f"invalid '{kind}': rid (integer >= 0) missing", None))
                elif kind == "ping":
                    send({"type": "pong", "rid": rid, "node": self.id})
                elif kind == "stats":
                    send({"type": "stats-result", "rid": rid, "node": self.id, "counters": self.counters, "mailboxes": {}})
                elif kind == "hello":
                    send(_error("invalid", "hello was already said on this connection", rid))
                elif kind in ("send", "receive", "done"):
                    # Mailboxes are not part of this example: a known type it does not serve.
                    send(_error("no-handler", f"node '{self.id}' does not serve '{kind}'", rid))
                else:
                    self.drop("invalid", peer=peer, detail=f"unknown message type '{kind}'")
                    send(_error("invalid", f"unknown message type '{kind}'", rid))
        except (ConnectionError, OSError):
            pass
        except Exception as error:  # a bug of this node: this connection ends, the node keeps serving
            self.log("internal-error", error=repr(error), connection=connection)
        finally:
            self.writers.discard(writer)
            self.log("disconnect", direction="in", peer=peer, connection=connection)
            writer.close()

    async def _answer_call(self, message, send):
        call = message["call"]
        try:
            reply = await self.service.call(call)
        except Exception as error:  # a bug here must not end the node: the caller gets `internal`
            self.log("internal-error", error=repr(error))
            send(_error("internal", f"node {self.id} failed: {error!r}", message["rid"]))
            return
        if reply is not None:
            send({"type": "reply", "rid": message["rid"], "key": call["key"], **reply})


def _error(code, text, rid):
    answer = {"type": "error", "code": code, "message": text}
    if rid is not None:
        answer["rid"] = rid
    return answer


# ---- the name service: register `log`, renew the lease ----------------------------------------------------------

def _wrong_lab(answer, lab):
    """Whether an answer says the connection reached a node of another lab (a refusal, or a foreign welcome)."""
    if answer.get("type") == "error" and answer.get("code") == "wrong-lab" and "rid" not in answer:
        return True
    return lab is not None and answer.get("type") == "welcome" and answer.get("lab") not in (None, lab)


class NameServiceClient:
    """One connection to the lab's name service (never proxied), opened again when it breaks."""

    def __init__(self, node_id, lab, host, port, log):
        self.node_id, self.lab, self.host, self.port, self.log = node_id, lab, host, port, log
        self.writer = None
        self.pending = {}
        self.rid = 0
        self.seq = now_ms() * 1000  # from the clock, so that a restarted node never reuses a key

    async def _connect(self):
        reader, writer = await asyncio.open_connection(self.host, self.port)
        hello = {"type": "hello", "node": self.node_id}
        if self.lab is not None:
            hello["lab"] = self.lab
        writer.write(encode_frame(hello))
        self.writer = writer
        asyncio.ensure_future(self._read(reader, writer))

    async def _read(self, reader, writer):
        try:
            while True:
                length, crc = HEADER.unpack(await reader.readexactly(HEADER.size))
                payload = await reader.readexactly(length)
                if crc32c(payload) != crc:
                    continue
                answer = parse_json(payload)
                if isinstance(answer, dict) and _wrong_lab(answer, self.lab):
                    # Another lab's name service at this address: nothing it answers may count.
                    self.log("drop", reason="wrong-lab", remote=f"{self.host}:{self.port}", lab=answer.get("lab"))
                    return
                future = self.pending.pop(answer.get("rid"), None) if isinstance(answer, dict) else None
                if future is not None and not future.done():
                    future.set_result(answer)
        except (asyncio.IncompleteReadError, ConnectionError, OSError, ValueError, RecursionError):
            pass
        finally:
            if self.writer is writer:
                self.writer = None
            writer.close()

    async def call(self, proc, args):
        if self.writer is None or self.writer.is_closing():
            await self._connect()
        self.rid += 1
        self.seq += 1
        rid = self.rid
        future = asyncio.get_running_loop().create_future()
        self.pending[rid] = future
        self.writer.write(encode_frame({"type": "call", "rid": rid, "call": {
            "service": "names", "proc": proc, "args": args, "key": {"from": self.node_id, "seq": self.seq},
            "deadline": now_ms() + NAMES_DEADLINE_MS}}))
        try:
            answer = await asyncio.wait_for(future, NAMES_DEADLINE_MS / 1000)
        finally:
            self.pending.pop(rid, None)
        if answer.get("type") != "reply" or "error" in answer:
            raise RuntimeError(f"names.{proc} failed: {answer.get('error') or answer}")
        return answer.get("result")

    async def register(self, service, address, lease_ms):
        """Registers `service` for this node once; renew() then keeps the lease alive every leaseMs/3."""
        self.registration = {"service": service, "node": self.node_id, "address": address, "leaseMs": lease_ms}
        await self.call("register", self.registration)
        self.log("registered", service=service, leaseMs=lease_ms)

    async def renew(self):
        while True:
            await asyncio.sleep(max(0.05, self.registration["leaseMs"] / 3000))
            try:
                await self.call("register", self.registration)
            except (RuntimeError, OSError, asyncio.TimeoutError) as error:
                self.log("register-failed", service=self.registration["service"], error=str(error))


# ---- start ------------------------------------------------------------------------------------------------------

def parse_config(argv):
    """The harness's command line (docs/YOUR-NODE.md): flags over --config-json over --config."""
    parser = argparse.ArgumentParser(prog="node.py", description=__doc__.splitlines()[0])
    parser.add_argument("--id", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data")
    parser.add_argument("--config")
    parser.add_argument("--config-json")
    parser.add_argument("--semantics", choices=["at-most-once", "at-least-once", "exactly-once-volatile", "exactly-once"])
    parser.add_argument("--name-service")
    flags, _ignored = parser.parse_known_args(argv)  # flags this example has no use for are not an error
    config = {}
    try:
        if flags.config:
            with open(flags.config, encoding="utf-8") as f:
                config.update(json.load(f))
        if flags.config_json:
            config.update(json.loads(flags.config_json))
    except (OSError, ValueError) as error:
        sys.stderr.write(f"node.py: bad configuration: {error}\n")
        sys.exit(2)
    for key, value in (("id", flags.id), ("host", flags.host), ("port", flags.port), ("data", flags.data),
                       ("semantics", flags.semantics)):
        if value is not None:
            config[key] = value
    if flags.name_service:
        host, _, port = flags.name_service.rpartition(":")
        if not host or not port.isdigit():
            sys.stderr.write(f"node.py: --name-service expects HOST:PORT, got '{flags.name_service}'\n")
            sys.exit(2)
        config["nameService"] = {"host": host, "port": int(port)}
    return config


async def main(argv):
    config = parse_config(argv)
    log = Log(config["id"])
    if config.get("data"):
        os.makedirs(config["data"], exist_ok=True)
    node = Node(config, log)
    server = await asyncio.start_server(node.serve, config["host"], config["port"])
    port = server.sockets[0].getsockname()[1]
    log("listening", host=config["host"], port=port)

    stopped = asyncio.get_running_loop().create_future()
    for signame in ("SIGTERM", "SIGINT"):
        asyncio.get_running_loop().add_signal_handler(getattr(signal, signame), lambda: stopped.done() or stopped.set_result(None))

    programs = config.get("programs", ["log"])
    names = config.get("nameService")
    if names and "log" in programs:
        client = NameServiceClient(config["id"], config.get("lab"), names["host"], names["port"], log)
        registration = asyncio.ensure_future(client.register(
            "log", {"host": config["host"], "port": port}, int(config.get("leaseMs", 5000))))
        # Registered before `ready`: the harness starts the workload once every node said it.
        await asyncio.wait([registration, stopped], return_when=asyncio.FIRST_COMPLETED)
        if registration.done() and registration.exception():
            log("fatal", error=f"could not register with the name service: {registration.exception()!r}")
            sys.stderr.write(f"node.py: could not register with the name service: {registration.exception()!r}\n")
            sys.exit(1)
        renewal = asyncio.ensure_future(client.renew())
    log("ready", programs=programs)

    await stopped
    server.close()
    for writer in list(node.writers):
        writer.close()
    if node.service.journal:
        node.service.journal.close()
    log("stopping", counters=node.counters)


if __name__ == "__main__":
    try:
        asyncio.run(main(sys.argv[1:]))
    except KeyboardInterrupt:
        pass
