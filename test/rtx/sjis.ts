/** Shift_JIS encoder for the fake router (Node decodes Shift_JIS but cannot encode it). */
let table: Map<string, number[]> | null = null;

function buildTable(): Map<string, number[]> {
  const decoder = new TextDecoder("shift_jis");
  const map = new Map<string, number[]>();
  const leads = [...range(0x81, 0x9f), ...range(0xe0, 0xfc)];
  const trails = [...range(0x40, 0x7e), ...range(0x80, 0xfc)];
  for (const lead of leads) {
    for (const trail of trails) {
      const ch = decoder.decode(Uint8Array.from([lead, trail]));
      if (ch.length === 1 && ch !== "\ufffd" && !map.has(ch)) map.set(ch, [lead, trail]);
    }
  }
  return map;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function encodeShiftJis(text: string): Buffer {
  table ??= buildTable();
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else bytes.push(...(table.get(ch) ?? [0x81, 0x48]));
  }
  return Buffer.from(bytes);
}
