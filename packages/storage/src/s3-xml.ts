/** The few fields shoal reads from S3's XML answers. S3's XML is flat and regular, so a DOM parser (absent on Node) is not needed. */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? "";
  });
}

function firstTag(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m?.[1] === undefined ? undefined : decodeXmlText(m[1]);
}

/** `<Error><Code>…</Code><Message>…</Message></Error>`, when the body is one. */
export function parseS3Error(xml: string): { code?: string; message?: string } {
  return { code: firstTag(xml, "Code"), message: firstTag(xml, "Message") };
}

/** One page of a ListObjectsV2 answer. */
export function parseListObjectsV2(xml: string): { keys: string[]; nextToken: string | undefined } {
  const keys: string[] = [];
  for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const key = firstTag(m[1] ?? "", "Key");
    if (key !== undefined) keys.push(key);
  }
  const truncated = firstTag(xml, "IsTruncated") === "true";
  return { keys, nextToken: truncated ? firstTag(xml, "NextContinuationToken") : undefined };
}
