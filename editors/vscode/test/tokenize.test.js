// The TextMate grammar tokenises every shipped spec and migration (../../specs/*.gai) and a line holding every
// keyword and operator of the Lark grammar, as VS Code does (vscode-textmate on the Oniguruma regex engine), and no
// keyword, string, number, comment, operator or punctuation is left without its scope.
//
// The grammar's words come from the Lark grammar, not from the TextMate grammar under test: the pytest test
// tests/test_editor_grammar.py writes them to a JSON file named by GAIDSL_VOCABULARY and runs `node --test`.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const test = require("node:test");
const oniguruma = require("vscode-oniguruma");
const vsctm = require("vscode-textmate");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const GRAMMAR = path.resolve(__dirname, "..", "syntaxes", "gaidsl.tmLanguage.json");
const SPECS = path.join(ROOT, "specs");

function vocabulary() {
  const file = process.env.GAIDSL_VOCABULARY;
  assert.ok(file, "GAIDSL_VOCABULARY names the grammar's words (run from tests/test_editor_grammar.py)");
  return JSON.parse(fs.readFileSync(file, "utf-8"));
}

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === "source.gaidsl" ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf-8"), GRAMMAR) : null,
  });
  return registry.loadGrammar("source.gaidsl");
}

// An independent lexer of gaidsl's tokens (the Lark grammar's terminals), to know what each piece of text is.
const LEXEME = /"(?:\\["n\\]|[^"\\])*"?|#.*|[0-9]+(?:\.[0-9]+)?|(?!\d)[\p{L}\p{N}\p{M}_]+|\S/gu;

function expectations(line, words) {
  const found = [];
  const symbols = [...words.operators, ...words.brackets, ...words.punctuation].sort((a, b) => b.length - a.length);
  let match;
  LEXEME.lastIndex = 0;
  while ((match = LEXEME.exec(line)) !== null) {
    let text = match[0];
    const start = match.index;
    let kind;
    if (text.startsWith('"')) {
      kind = "string.quoted";
    } else if (text.startsWith("#")) {
      kind = "comment.line";
    } else if (/^[0-9]/.test(text)) {
      kind = "constant.numeric";
    } else if (/^[\p{L}\p{N}\p{M}_]/u.test(text)) {
      const afterDot = /\.\s*$/.test(line.slice(0, start));
      kind = words.keywords.includes(text) && !afterDot ? "keyword." : "";
    } else {
      const symbol = symbols.find((s) => line.startsWith(s, start));
      if (symbol !== undefined) {
        text = symbol;
        LEXEME.lastIndex = start + symbol.length;
        kind = words.operators.includes(symbol) ? "keyword.operator" : "punctuation.";
      } else {
        kind = "";
      }
    }
    found.push({ start, end: start + text.length, text, kind });
  }
  return found;
}

function problems(grammar, name, text, words) {
  const wrong = [];
  let stack = vsctm.INITIAL;
  let count = 0;
  text.split("\n").forEach((line, number) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    for (const lexeme of expectations(line, words)) {
      count += 1;
      const covering = result.tokens.filter((t) => t.startIndex < lexeme.end && t.endIndex > lexeme.start);
      for (const token of covering) {
        const scopes = token.scopes.slice(1); // the first is the grammar's own, source.gaidsl
        const ok = scopes.length > 0 && (lexeme.kind === "" || scopes.some((s) => s.startsWith(lexeme.kind)));
        if (!ok) {
          const want = lexeme.kind || "any scope";
          wrong.push(`${name}:${number + 1}:${lexeme.start + 1}: ${JSON.stringify(lexeme.text)} wants ${want}, ` +
            `has ${JSON.stringify(token.scopes)}`);
          break;
        }
      }
    }
  });
  return { wrong, count };
}

test("every shipped spec and migration is tokenised with no unscoped keyword, string, number, comment or operator", async () => {
  const words = vocabulary();
  const grammar = await loadGrammar();
  const files = fs.readdirSync(SPECS).filter((f) => f.endsWith(".gai")).sort();
  assert.ok(files.length >= 4, `the shipped specs and migration: ${files}`);
  for (const file of files) {
    const { wrong, count } = problems(grammar, file, fs.readFileSync(path.join(SPECS, file), "utf-8"), words);
    assert.ok(count > 100, `${file}: ${count} lexemes`);
    assert.deepEqual(wrong, [], `${file}: ${wrong.length} lexemes without their scope`);
  }
});

test("every keyword and operator of the Lark grammar gets its scope", async () => {
  const words = vocabulary();
  const grammar = await loadGrammar();
  const line = [...words.keywords, ...words.operators, "12.5", '"a \\" b"', "x", "# done"].join(" ");
  const lexemes = expectations(line, words);
  assert.equal(lexemes.filter((l) => l.kind === "keyword.").length, words.keywords.length);
  const { wrong } = problems(grammar, "every-word", line, words);
  assert.deepEqual(wrong, []);
});

test("a name after a dot is not a keyword, a string may hold #, a comment may hold quotes", async () => {
  const grammar = await loadGrammar();
  const scopesOf = (line, needle, nth = 0) => {
    let at = -1;
    for (let i = 0; i <= nth; i += 1) at = line.indexOf(needle, at + 1);
    const token = grammar.tokenizeLine(line, vsctm.INITIAL).tokens.find((t) => t.startIndex <= at && at < t.endIndex);
    return token.scopes;
  };
  assert.ok(scopesOf("check c: requests.total.natural >= 0", "total").includes("variable.other.gaidsl"));
  assert.ok(scopesOf('stub "a # b"', "#").includes("string.quoted.double.gaidsl"));
  assert.ok(scopesOf('# a "quoted" word', "quoted").includes("comment.line.number-sign.gaidsl"));
  assert.ok(scopesOf("table requests {", "requests").includes("entity.name.gaidsl"));
  assert.ok(scopesOf("check c: previous.requests.x == 1", "previous").includes("variable.language.previous.gaidsl"));
});
