// Live checking, load and save. Uses the validator above (read, validate, parseJSON, dumps, Decimal, DataError);
// everything of the form lives inside gaidslForm() so no name clashes with the validator's.
function gaidslForm() {
  const META = JSON.parse(document.getElementById("gaidsl-meta").textContent);
  const gridOf = Object.create(null);
  for (const [grid, tables] of Object.entries(META.tables)) for (const table of tables) gridOf[table] = grid;
  const cells = new Map();
  for (const input of document.querySelectorAll("input.cell")) cells.set(input.dataset.cell, input);
  const fields = new Map();
  for (const input of document.querySelectorAll(".field")) fields.set(input.dataset.field, input);
  const texts = new Map();
  for (const area of document.querySelectorAll("textarea.text")) texts.set(area.dataset.text, area);
  const boxes = new Map();
  for (const box of document.querySelectorAll(".checks")) boxes.set(box.dataset.for, box);
  const summary = document.getElementById("summary");
  const title = document.getElementById("title");
  let previous = null;
  let lastResults = [];

  const PROBLEMS = {
    GAI704: {{ js("form.js.GAI704") }},
    GAI705: {{ js("form.js.GAI705") }},
    GAI706: {{ js("form.js.GAI706") }},
    GAI707: {{ js("form.js.GAI707") }},
    GAI708: {{ js("form.js.GAI708") }},
    GAI709: {{ js("form.js.GAI709") }},
    GAI712: {{ js("form.js.GAI712") }},
    GAI713: {{ js("form.js.GAI713") }},
    GAI719: {{ js("form.js.GAI719") }},
  };
  const FULL_WIDTH = /[\uff10-\uff19\uff0e\uff0d\uff0b]/g;

  /** What an input holds, as the data file writes it: "" blank, "unknown" for {{ ui["unknown"] }}, digits normalised. */
  function rawNumber(text) {
    const t = text.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\s+/g, "");
    if (t === {{ js("unknown", "zh") }} || t.toLowerCase() === "unknown") return "unknown";
    return t;
  }

  function collect() {
    const data = { format: META.format, version: META.version, fields: {}, texts: {}, values: {} };
    for (const [key, input] of fields) {
      const numeric = ["count", "integer", "amount"].includes(input.dataset.kind);
      const v = numeric ? rawNumber(input.value) : input.value.trim();
      data.fields[key] = v === "" ? null : v;
    }
    for (const [key, area] of texts) data.texts[key] = area.value.trim() === "" ? null : area.value;
    for (const [key, input] of cells) {
{% if text_cells %}
      // a text (date, choice) cell is written as typed, trimmed, like a field of its type
      const numeric = ["count", "integer", "amount"].includes(input.dataset.kind);
      const v = numeric ? rawNumber(input.value) : input.value.trim();
{% else %}
      const v = rawNumber(input.value);
{% endif %}
      data.values[key] = v === "" ? null : v;
    }
    return data;
  }

  function clear() {
    for (const input of [...cells.values(), ...fields.values()]) {
      input.classList.remove("fail", "warn", "invalid");
      input.removeAttribute("aria-invalid");
      if (input.dataset.title === undefined) input.dataset.title = input.title || "";
      input.title = input.dataset.title;
    }
    for (const box of boxes.values()) box.replaceChildren();
  }

  function list(where) {
    const box = boxes.get(where) ?? boxes.get("other");
    let ul = box.querySelector("ul");
    if (ul === null) {
      ul = document.createElement("ul");
      box.append(ul);
    }
    return ul;
  }

  function note(where, cls, tag, text) {
    const li = document.createElement("li");
    li.className = cls;
    const strong = document.createElement("span");
    strong.className = "tag";
    strong.textContent = tag;
    li.append(strong, document.createTextNode(text));
    list(where).append(li);
    return li;
  }
{% if second_lang %}

  /** A bilingual form (docs/languages.md#bilingual-specs): a finding's message in the second language, its own line. */
  function secondLine(li, text) {
    const span = document.createElement("span");
    span.lang = {{ second_lang | tojson }};
    span.className = "second";
    span.style.display = "block";
    span.textContent = text;
    li.append(span);
  }
{% endif %}

  /** A failing result ``r`` noted under ``where`` (an error or a warning by its severity): ``text`` (by default its
   * message), its check and ``position`` as data, the English message as a tooltip (and a line of its own in a
   * bilingual form). */
  function noteFinding(where, r, text = r.message.zh, position = r.position) {
    const error = r.severity === "error";
    const li = note(where, error ? "error" : "warning", error ? {{ js("error") }} : {{ js("warning") }}, text);
    li.dataset.check = r.check;
    if (position !== null) li.dataset.position = position;
    li.title = r.message.en;
{% if second_lang %}
    secondLine(li, r.message.en);
{% endif %}
    return li;
  }

  function inputOf(key) {
    return cells.get(key) ?? fields.get(key){% if records %} ?? recordInput(key){% endif %};
  }

  function placeOf(key) {
    if (fields.has(key)) return "fields";
    const table = key.split(".")[0];
    return gridOf[table] ?? "other";
  }

  function mark(input, cls, message) {
    if (input === undefined) return;
    input.classList.add(cls);
    if (cls !== "warn") input.setAttribute("aria-invalid", "true");
    input.title = (input.dataset.title ? input.dataset.title + "\n" : "") + message;
  }

  function where(result) {
    if (result.table !== null && gridOf[result.table] !== undefined) return gridOf[result.table];
    if (result.section !== null) return "section:" + result.section;
    if (result.cells.some((c) => c.kind === "field")) return "fields";
    return "other";
  }

  function check() {
{% if records %}
    const results = checkCells();
    checkRecords();
    return results;
  }

  function checkCells() {
{% endif %}
{% if open_rows %}
    return checkOpen();
  }

  function checkClosed() {
{% endif %}
    const data = collect();
    clear();
    let problems = [];
    try {
      read(data);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      problems = error.problems;
    }
    for (const [code, key] of problems) {
      const input = inputOf(key);
      const text = PROBLEMS[code] ?? code;
      const label = META.labels[key] ?? input?.labels?.[0]?.textContent ?? key;
      mark(input, "invalid", text);
      note(placeOf(key), "invalid", {{ js("form.js.invalid") }}, {{ js_template("form.js.invalid_note", label="label", text="text") }});
      if (key in data.values) data.values[key] = null;
      if (key in data.fields) data.fields[key] = null;
    }
    let results = [];
    try {
      results = validate(data, previous);
    } catch (error) {
      summary.textContent = {{ js("form.js.cannot_check") }} + error.message;
      return [];
    }
{% if records %}
    results = results.filter((r) => !PER_RECORD.has(r.check)); // run per record by checkRecords
{% endif %}
{% if aggregates %}
    results = results.concat(aggregateResults()); // the checks over aggregates of records
{% endif %}
    lastResults = results;
{% if derived %}
    suggest(data);
{% endif %}
    let errors = 0;
    let warnings = 0;
    let unverifiable = 0;
    for (const r of results) {
      if (r.status === "unverifiable") unverifiable++;
      if (r.status !== "fail") continue;
      const error = r.severity === "error";
      if (error) errors++;
      else warnings++;
      noteFinding(where(r), r);
      for (const c of r.cells) {
        if (c.previous || c.kind === "text") continue;
        mark(inputOf(c.key), error ? "fail" : "warn", r.message.zh);
      }
    }
    const parts = [];
    if (problems.length) parts.push({{ js_template("form.js.problems", n="problems.length") }});
    parts.push(errors ? {{ js_template("form.js.failed", n="errors") }} : {{ js("form.js.no_errors") }});
    if (warnings) parts.push({{ js_template("form.js.warnings", n="warnings") }});
    if (unverifiable) parts.push({{ js_template("form.js.unverifiable", n="unverifiable") }});
    summary.textContent = parts.join({{ js("form.js.summary_sep") }});
    summary.classList.toggle("has-errors", errors + problems.length > 0);
    const body = data.fields.body ?? "";
    const year = data.fields.year ?? "";
    title.textContent = year ? {{ js_template("form.js.title_year", body="body", year="year", suffix="title.dataset.suffix") }} : `${body}${title.dataset.suffix}`;
    for (const [key, area] of texts) {
      document.querySelector(`[data-print="${CSS.escape(key)}"]`).textContent = area.value;
    }
    return results;
  }

{% if derived %}
  /** Derived cells (docs/arithmetic.md): the value computed from the other cells, exactly, shown in the empty cell
   * as the user types (a suggestion: the report states the value, and the check compares it). */
  function suggest(data) {
    const values = derive(data);
    for (const [key] of DERIVED) {
      const input = inputOf(key);
      if (input === undefined) continue;
      input.placeholder = values[key] ?? "";
      input.classList.toggle("derived", true);
    }
  }

{% endif %}
  /** The data file: every cell (null when blank), numbers written exactly as typed. */
  function saved() {
{% if records %}
    const out = parseJSON(savedCells());
    out.records = recordsOut();
    return dumps(out, 2) + "\n";
  }

  function savedCells() {
{% endif %}
{% if open_rows %}
    return savedOpen();
{% endif %}
    const data = collect();
    const out = { format: data.format, version: data.version, fields: {}, texts: {}, values: {} };
    for (const [key, v] of Object.entries(data.fields)) {
      const numeric = ["count", "integer", "amount"].includes(fields.get(key).dataset.kind);
      const d = numeric && v !== null && v !== "unknown" ? Decimal.parse(v) : null;
      out.fields[key] = d ?? v;
    }
    for (const [key, v] of Object.entries(data.texts)) out.texts[key] = v;
    for (const [key, v] of Object.entries(data.values)) {
{% if text_cells %}
      const numeric = ["count", "integer", "amount"].includes(cells.get(key).dataset.kind);
      const d = numeric && v !== null && v !== "unknown" ? Decimal.parse(v) : null;
{% else %}
      const d = v !== null && v !== "unknown" ? Decimal.parse(v) : null;
{% endif %}
      out.values[key] = d ?? v;
    }
    return dumps(out, 2) + "\n";
  }

  function show(value) {
    if (value === null || value === undefined) return "";
    if (value === "unknown") return {{ js("unknown") }};
    return String(value);
  }

  function load(text) {
    const data = parseJSON(text.replace(/^\uFEFF/, ""));
    if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Error({{ js("form.js.not_data") }});
    if (data.format !== undefined && data.format !== META.format) {
      throw new Error({{ js_template("form.js.other_format", format="data.format", expected="META.format") }});
    }
    const values = data.values ?? {};
    for (const [key, input] of cells) input.value = show(values[key]);
    const f = data.fields ?? {};
    for (const [key, input] of fields) input.value = show(f[key]);
    const t = data.texts ?? {};
    for (const [key, area] of texts) area.value = t[key] === "unknown" ? "" : (t[key] ?? "");
{% if open_rows %}
    loadRows(data);
{% endif %}
{% if records %}
    loadRecords(data);
{% endif %}
    check();
  }

  function readFile(input, then) {
    const file = input.files[0];
    if (!file) return;
    file.text().then((text) => {
      try {
        then(text);
      } catch (error) {
        summary.textContent = {{ js_template("form.js.unreadable", file="file.name", why="error.message") }};
        summary.classList.add("has-errors");
      }
      input.value = "";
    });
  }

{% if open_rows %}
{% include "open_rows.js" %}

{% endif %}
{% if records %}
{% include "records.js" %}

{% endif %}
  let pending = 0;
  document.addEventListener("input", (event) => {
    if (!event.target.matches("input, textarea, select")) return;
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(check);
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches(".field, select")) check();
  });
  document.getElementById("load").addEventListener("change", (e) => readFile(e.target, load));
{% if open_rows %}
  document.getElementById("load-previous").addEventListener("change", (e) => readFile(e.target, loadPrevious));
{% else %}
  document.getElementById("load-previous").addEventListener("change", (e) =>
    readFile(e.target, (text) => {
      const data = parseJSON(text.replace(/^\uFEFF/, ""));
      read(data);
      previous = data;
      check();
    }),
  );
{% endif %}
  document.getElementById("save").addEventListener("click", () => {
    const blob = new Blob([saved()], { type: "application/json" });
    const a = document.createElement("a");
    const body = (fields.get("body")?.value ?? "").trim().replace(/[\\/:*?"<>|]/g, "_");
    a.download = `${META.format}_${META.version}${body ? "_" + body : ""}.json`;
    a.href = URL.createObjectURL(blob);
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  document.getElementById("print").addEventListener("click", () => window.print());
{% if open_rows %}
  window.gaidslForm = {
    ...{ collect, check, saved, load, results: () => lastResults },
    ...{ addRow, removeRow, rows: openRows, previous: () => previousRaw },
  };
{% else %}
  window.gaidslForm = { collect, check, saved, load, results: () => lastResults };
{% endif %}
{% if records %}
  Object.assign(window.gaidslForm, { addRecord, removeRecord, records: recordRows });
  setupRecords();
{% endif %}
  const initial = document.getElementById("gaidsl-data");
  if (initial !== null) load(initial.textContent);
  else check();
}

gaidslForm();
