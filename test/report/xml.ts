/**
 * A small strict XML 1.0 parser for the JUnit tests: elements, double- or single-quoted attributes,
 * text, the five predefined entities and character references, one root. It throws on what a
 * conforming parser must reject (forbidden characters, unknown entities, a raw `<` or `&`,
 * mismatched or unclosed tags, duplicate attributes), so a pass means CI tools will read the file.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

export function parseXml(source: string): XmlElement {
  for (const ch of source) {
    const codePoint = ch.codePointAt(0) ?? 0;
    if (!isXmlChar(codePoint))
      throw new Error(`character U+${codePoint.toString(16)} is not allowed in XML 1.0`);
  }
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${at}: ${JSON.stringify(source.slice(at, at + 40))}`);
  };
  const skipSpace = () => {
    while (/\s/.test(source[at] ?? "")) at++;
  };
  const name = (): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(source);
    if (match === null) return fail("expected a name");
    at += match[0].length;
    return match[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) return fail("bare &");
      if (ref in PREDEFINED) return PREDEFINED[ref] as string;
      const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
      if (numeric === null) return fail(`unknown entity ${whole}`);
      const codePoint = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
      if (!isXmlChar(codePoint)) return fail(`reference to forbidden character ${whole}`);
      return String.fromCodePoint(codePoint);
    });

  const element = (): XmlElement => {
    if (source[at] !== "<") fail("expected <");
    at++;
    const node: XmlElement = { name: name(), attributes: {}, children: [] };
    for (;;) {
      skipSpace();
      if (source.startsWith("/>", at)) {
        at += 2;
        return node;
      }
      if (source[at] === ">") {
        at++;
        break;
      }
      const attribute = name();
      skipSpace();
      if (source[at] !== "=") fail("expected =");
      at++;
      skipSpace();
      const quote = source[at];
      if (quote !== '"' && quote !== "'") return fail("expected a quoted value");
      const close = source.indexOf(quote, at + 1);
      if (close === -1) fail("unterminated attribute");
      const raw = source.slice(at + 1, close);
      if (raw.includes("<")) fail("raw < in attribute");
      if (attribute in node.attributes) fail(`duplicate attribute ${attribute}`);
      // Attribute-value normalisation: raw whitespace characters become spaces, references do not.
      node.attributes[attribute] = decode(raw.replace(/[\t\n\r]/g, " "));
      at = close + 1;
    }
    for (;;) {
      if (source.startsWith("</", at)) {
        at += 2;
        if (name() !== node.name) fail(`mismatched end tag for ${node.name}`);
        skipSpace();
        if (source[at] !== ">") fail("expected >");
        at++;
        return node;
      }
      if (source.startsWith("<![CDATA[", at)) {
        const close = source.indexOf("]]>", at);
        if (close === -1) fail("unterminated CDATA");
        node.children.push(source.slice(at + 9, close));
        at = close + 3;
      } else if (source[at] === "<") {
        node.children.push(element());
      } else {
        const next = source.indexOf("<", at);
        if (next === -1) fail(`unclosed element ${node.name}`);
        const raw = source.slice(at, next);
        if (raw.includes("]]>")) fail("]]> in text");
        node.children.push(decode(raw));
        at = next;
      }
    }
  };

  if (source.startsWith("<?xml")) {
    const close = source.indexOf("?>");
    if (close === -1) fail("unterminated declaration");
    at = close + 2;
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (at !== source.length) fail("content after the root element");
  return root;
}

export function childElements(node: XmlElement, name?: string): XmlElement[] {
  return node.children.filter(
    (child): child is XmlElement => typeof child !== "string" && (name === undefined || child.name === name),
  );
}

export function textOf(node: XmlElement): string {
  return node.children.map((child) => (typeof child === "string" ? child : textOf(child))).join("");
}
