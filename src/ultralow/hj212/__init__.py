"""HJ 212 (2017, 2005 legacy, 2025-ready) codec: framing, CRC, decoding, encoding and replies. Pure: no I/O."""

from ultralow.hj212.codes import CodeTables, code_tables
from ultralow.hj212.crc import CrcVariant, crc_hj212, crc_hj212_many, crc_modbus, crc_text, match_variant
from ultralow.hj212.decode import (
    CpDecryptor,
    decode,
    decode_frame,
    decode_frames,
    decode_stream,
    parse_data_time,
)
from ultralow.hj212.encode import (
    Message,
    encode,
    encode_segment,
    encode_split,
    format_data_time,
    format_qn,
    frame,
)
from ultralow.hj212.framing import Frame, StreamFramer, split_frames
from ultralow.hj212.packet import CHINA_TZ, FLAGS, Flag, Packet
from ultralow.hj212.replies import build_9011, build_9012, build_9013, build_9014, reply_to

__all__ = [
    "CHINA_TZ",
    "CodeTables",
    "CpDecryptor",
    "CrcVariant",
    "FLAGS",
    "Flag",
    "Frame",
    "Message",
    "Packet",
    "StreamFramer",
    "build_9011",
    "build_9012",
    "build_9013",
    "build_9014",
    "code_tables",
    "crc_hj212",
    "crc_hj212_many",
    "crc_modbus",
    "crc_text",
    "decode",
    "decode_frame",
    "decode_frames",
    "decode_stream",
    "encode",
    "encode_segment",
    "encode_split",
    "format_data_time",
    "format_qn",
    "frame",
    "match_variant",
    "parse_data_time",
    "reply_to",
    "split_frames",
]
