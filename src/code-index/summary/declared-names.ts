/**
 * Names a file declares, read with a pattern per language, for the languages the structure-aware
 * chunker does not parse (Rust, Java, Kotlin, C#, Scala, Swift, Ruby, PHP): their chunks carry no
 * symbol, so without this the file-level symbols field of such a file is empty (ripgrep's `struct
 * Ignore` in crates/ignore/src/dir.rs could not be found by its name).
 */
const DECLARATIONS: Record<string, RegExp[]> = {
  rust: [
    /\b(?:fn|struct|enum|trait|type|mod|union|const|static)\s+([A-Za-z_][A-Za-z0-9_]*)/g,
    /\bmacro_rules!\s*([A-Za-z_][A-Za-z0-9_]*)/g,
    /\bimpl(?:\s*<[^>{]*>)?\s+(?:[A-Za-z_][\w:]*(?:<[^>{]*>)?\s+for\s+)?([A-Za-z_][A-Za-z0-9_]*)/g,
  ],
  java: [/\b(?:class|interface|enum|record|@interface)\s+([A-Za-z_$][\w$]*)/g],
  kotlin: [/\b(?:class|interface|object|fun|typealias)\s+(?:<[^>]*>\s*)?(?:[\w.]+\.)?([A-Za-z_][\w]*)/g],
  csharp: [/\b(?:class|interface|enum|struct|record|delegate)\s+([A-Za-z_][\w]*)/g],
  scala: [/\b(?:class|trait|object|def|type)\s+([A-Za-z_][\w]*)/g],
  swift: [/\b(?:class|struct|enum|protocol|extension|func|typealias)\s+([A-Za-z_][\w]*)/g],
  ruby: [/^\s*(?:def\s+(?:self\.)?|class\s+|module\s+)([A-Za-z_][\w]*[?!=]?)/gm],
  php: [/\b(?:function|class|interface|trait|enum)\s+([A-Za-z_][\w]*)/g],
};

/** At most this many names per file (the field stays bounded whatever the file's size). */
export const MAX_DECLARED_NAMES = 400;

/** The distinct names `text` declares, in order of appearance; none for a language without patterns. */
export function declaredNames(text: string, language: string): string[] {
  const patterns = DECLARATIONS[language];
  if (!patterns) return [];
  const found: { at: number; name: string }[] = [];
  for (const pattern of patterns)
    for (const match of text.matchAll(pattern)) found.push({ at: match.index, name: match[1]! });
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((item) => item.name))].slice(0, MAX_DECLARED_NAMES);
}
