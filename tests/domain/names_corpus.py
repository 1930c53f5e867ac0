"""Names that must survive every path exactly (issue 13), with where each character comes from.

Sources: the issue's list of given-name characters that are in GBK but not in
GB2312 (checked: ``c.encode("gb2312")`` fails, ``c.encode("gbk")`` works);
the Unicode blocks of the CJK Unified Ideographs extensions (Unihan, Unicode
14.0: Ext A U+3400–4DBF, Ext B U+20000–2A6DF, Ext C U+2A700–2B73F, Ext D
U+2B740–2B81F, Ext E U+2B820–2CEAF, Ext F U+2CEB0–2EBEF, Ext G U+30000–);
the 2016 notice on name collection in government systems for the "·"
U+00B7 separator of ethnic-minority names and the 50-character minimum;
the 通用规范汉字表 (State Council, 2013) as tabulated by cjkvi-tables and
kitty-panics/cn-tables (通用规范汉字表.txt): its 196 characters beyond the BMP are
the characters GB 18030-2022 implementation level 2 adds to level 1.
"""

from __future__ import annotations

#: In GBK, not in GB2312: the given-name characters the issue lists as vanishing from the printed forms.
GBK_ONLY = "堃喆赟昇玥彧珺璟祎镕垚犇龑"

NAMES: dict[str, str] = {
    # GBK-only given names (the clerk 张堃喆 and the villager 赵喆 of the report)
    "gbk_clerk": "张堃喆",
    "gbk_zhao": "赵喆",
    "gbk_all": "王" + GBK_ONLY,
    # Ext A U+4DAE 䶮 (the given name of 刘䶮, founder of Southern Han; a 通用规范汉字表 character)
    "ext_a": "刘䶮",
    # Ext B U+20BB7 𠮷 (the "土吉" variant of 吉 in surnames and given names), with GBK 堃
    "ext_b": "王\U00020bb7堃",
    # Ext C U+2A6A5 𪚥 (four 龍: "zhé"), a Unihan sample
    "ext_c": "李\U0002a6a5",
    # Ext D U+2B740 𫝀 (the first code point of Ext D)
    "ext_d": "陈\U0002b740",
    # Ext E U+2C317 𬌗 (in 通用规范汉字表, the example)
    "ext_e": "周\U0002c317",
    # Ext F U+2CEB0 𬺰 and U+2EBE0 𮯠 (the first and last of Ext F)
    "ext_f": "吴\U0002ceb0\U0002ebe0",
    # Ext G U+30000 𰀀 (Unicode 13): later than this Python's needs, still kept as typed
    "ext_g": "郑\U00030000",
    # Uyghur name with the "·" U+00B7 separator (the notice's own example)
    "minority": "阿依古丽·买买提",
    # Manchu clan name and given name
    "minority_2": "爱新觉罗·溥仪",
    # three parts, and a rare character in one of them
    "minority_3": "买买提·艾力·\U00020bb7",
    # 50 characters: the limit the notice asks for (a long transliterated name joined by "·")
    "fifty": "·".join(["阿卜杜热合曼", "买买提明", "艾山江", "吐尔逊", "库尔班", "热合木吐拉", "阿不都"])
    + "·"
    + "依明江" * 5
    + "克",
}

#: GB 18030-2022 level 2: the 196 通用规范汉字表 characters encoded beyond the BMP (Ext B, C, E, F).
LEVEL2_BEYOND_BMP = (
    "𬉼𠳐𥻗𠙶𬣙𨙸𬇕𬣞𬘓𫭟𫭢𫇭𫐄𫵷"
    "𣲘𣲗𬇙𬣡𫸩𨚕𫘜𬘘𫘝𦭜𬨂𬀩𬀪𬬩"
    "𫍣𬣳𬩽𬮿𬯀𫰛𬳵𬳶𫠊𬍛𬜬𦰡𪾢𪨰"
    "𫓧𬬮𬬱𬬭𦙶𬘡𬳽𬘩𫄧𪟝𬍤𫭼𬜯𬂩"
    "𫠆𨐈𬌗𫑡𪨶𬬸𬬻𬬹𬬿𬭁𫢸𫗧𬊈𬒈"
    "𨺙𬳿𫄨𬘫𫮃𬱖𬟽𫓯𫟹𫟼𠅤𬇹𬍡𬤇"
    "𫍯𬤊𫍲𬯎𬘬𬘭𬴂𫘦𫟅𬘯𫘧𪣻𡎚𬃊"
    "𬷕𫐐𬹼𧿹𫶇𫖮𬭊𨱇𫓶𬭎𫖯𬱟𫛭𫷷"
    "𬮱𬊤𣸣𬴃𫘨𤧛𬪩𬒔𬨎𫐓𫫇𫓹𬭚𬭛"
    "𬕂𬶋𬶍𦝼𫔶𫌀𫖳𫘪𫘬𫞩𡐓𪤗𣗋𬸘"
    "𬒗𥔲𫚖𨱏𬭤𫚕𬶐𬶏𩽾𬸚𬤝𬙂𬭩𩾃"
    "𬸣𫍽𬴊𬞟𥕢𫟦𬺈𫠜𪩘𬭬𨱑𬭯𫗴𬸦"
    "𫄷𤩽𬭳𬭶𫔍𬭸𨱔𬭼𫔎𬸪𬶟𬶠𬶨𦈡"
    "𫄸𬟁𥖨𦒍𬙊𬶭𩾌𨟠𬶮𨭉𬙋𤫉𬺓𫚭"
)

#: One name per extension block, Ext A to Ext F (䶮 𠮷 𪚥 𫝀 𬌗 𬺰), for tests that print many forms.
EXT_A_TO_F = "刘䶮\U00020bb7\U0002a6a5\U0002b740\U0002c317\U0002ceb0"

#: The same separator as input methods type it (normalised to U+00B7 on the way in).
LOOKALIKE_DOTS = "\u2022\uff0e\u30fb\uff65\u2027\u2219"

assert len(NAMES["fifty"]) == 50, len(NAMES["fifty"])
assert len(LEVEL2_BEYOND_BMP) == 196 and all(ord(c) > 0xFFFF for c in LEVEL2_BEYOND_BMP)
