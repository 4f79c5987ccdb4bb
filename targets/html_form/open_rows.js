  // ------------------------------------------------------------------------------------ open rows (issue 15)
  // Rows that the report adds (docs/open-dimensions.md). Each open table's slot row (`requests.<component>.x`) is a
  // template: every entered member is a copy of it with a key input, a label input and a remove button. The
  // validator above checks a spec in which each open dimension has one member (labelled with OPEN.sentinel) whose
  // cells keep the slot's keys: it runs once with that member's cells holding the sums over the entered rows (the
  // totals and the checks outside the rows) and once per entered row (the `for each row` checks), and the form puts
  // each result at its row. The member rules (key pattern, unique keys, at least / at most, a coded hierarchy's
  // levels, parents, code list and sums) are checked here.
  const OPEN = META.open;
  const UI = OPEN.ui;
  const SENTINEL = OPEN.sentinel;
  const slotDimension = new Map(Object.entries(OPEN.dimensions).map(([d, o]) => [o.slot, d]));
  const openRows = Object.create(null); // dimension → [{id, key, label, trs, inputs: Map(slot cell → input)}]
  const rowTemplates = Object.create(null); // dimension → [{tr, marker, header}]
  let rowCount = 0;
  let previousRaw = null;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
  }

  function cellRow(key) {
    return key.split(".")[1];
  }

  function memberCell(key, member) {
    const parts = key.split(".");
    parts[1] = member;
    return parts.join(".");
  }

  function keyRegExp(dimension) {
    const pattern = OPEN.dimensions[dimension].pattern;
    if (pattern === null) return null;
    try {
      return new RegExp(`^(?:${pattern})$`, "u");
    } catch {
      return null;
    }
  }

  function parentOf(dimension, code) {
    const levels = OPEN.dimensions[dimension].levels;
    const level = levels.indexOf(code.length);
    return level > 0 ? code.slice(0, levels[level - 1]) : null;
  }

  function shownLabel(dimension, row) {
    const label = row.label.trim() || row.key;
    return OPEN.dimensions[dimension].levels.length || Object.keys(OPEN.dimensions[dimension].codes).length
      ? `${row.key} ${label}`
      : label;
  }

  function setupOpenRows() {
    for (const [key, input] of [...cells]) {
      const dimension = slotDimension.get(cellRow(key));
      if (dimension === undefined) continue;
      cells.delete(key);
      const tr = input.closest("tr");
      const templates = (rowTemplates[dimension] ??= []);
      if (templates.some((t) => t.tr === tr)) continue;
      const marker = document.createComment(`rows of ${dimension}`);
      tr.replaceWith(marker);
      templates.push({ tr, marker, header: tr.querySelector("th")?.textContent ?? "" });
      openRows[dimension] ??= [];
      const wrap = marker.parentNode.closest(".table-wrap") ?? marker.parentNode.closest("table");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button add-row no-print";
      button.dataset.dimension = dimension;
      button.textContent = fill(UI.add_row, { dimension: OPEN.dimensions[dimension].label });
      button.addEventListener("click", () => {
        const row = addRow(dimension, "", "");
        row.trs[templates.indexOf(templates.find((t) => wrap.contains(t.marker)))]
          ?.querySelector("input.member-key")
          ?.focus();
        check();
      });
      wrap.after(button);
    }
    const datalists = document.createDocumentFragment();
    for (const [dimension, o] of Object.entries(OPEN.dimensions)) {
      if (!Object.keys(o.codes).length) continue;
      const list = document.createElement("datalist");
      list.id = `codes-${dimension}`;
      for (const [code, name] of Object.entries(o.codes)) {
        const option = document.createElement("option");
        option.value = code;
        option.label = name;
        list.append(option);
      }
      datalists.append(list);
    }
    document.body.append(datalists);
  }

  function addRow(dimension, key, label) {
    const id = ++rowCount;
    const row = { id, key, label, trs: [], inputs: new Map() };
    const o = OPEN.dimensions[dimension];
    for (const template of rowTemplates[dimension] ?? []) {
      const tr = template.tr.cloneNode(true);
      tr.dataset.member = String(id);
      tr.classList.add("entered-row");
      const th = tr.querySelector("th");
      const keyInput = document.createElement("input");
      keyInput.className = "member-key";
      keyInput.type = "text";
      keyInput.autocomplete = "off";
      keyInput.spellcheck = false;
      keyInput.value = key;
      keyInput.dataset.dimension = dimension;
      keyInput.setAttribute("aria-label", fill(UI.key_of, { dimension: o.label }));
      keyInput.placeholder = UI.key;
      if (o.pattern !== null) {
        keyInput.title = UI.key_hint + o.pattern;
        if (keyRegExp(dimension) !== null) keyInput.pattern = o.html_pattern;
      }
      if (Object.keys(o.codes).length) keyInput.setAttribute("list", `codes-${dimension}`);
      const labelInput = document.createElement("input");
      labelInput.className = "member-label";
      labelInput.type = "text";
      labelInput.autocomplete = "off";
      labelInput.value = label;
      labelInput.setAttribute("aria-label", fill(UI.label_of, { dimension: o.label }));
      labelInput.placeholder = UI.label;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "remove-row no-print";
      remove.textContent = "×";
      remove.title = UI.remove_row;
      remove.setAttribute("aria-label", UI.remove_row);
      remove.addEventListener("click", () => {
        removeRow(dimension, id);
        check();
      });
      keyInput.addEventListener("input", () => {
        row.key = keyInput.value.trim();
        for (const other of row.trs) if (other !== tr) other.querySelector("input.member-key").value = keyInput.value;
        const official = o.codes[row.key];
        if (official !== undefined && row.label === "") {
          row.label = official;
          for (const other of row.trs) other.querySelector("input.member-label").value = official;
        }
      });
      labelInput.addEventListener("input", () => {
        row.label = labelInput.value;
        for (const other of row.trs) if (other !== tr) other.querySelector("input.member-label").value = labelInput.value;
      });
      th.replaceChildren(keyInput, labelInput, remove);
      th.removeAttribute("id");
      for (const input of tr.querySelectorAll("input.cell")) {
        row.inputs.set(input.dataset.cell, input);
        input.id = `${input.id}-r${id}`;
        input.dataset.row = String(id);
        const name = input.getAttribute("aria-label") ?? "";
        input.dataset.template = name;
      }
      template.marker.before(tr);
      row.trs.push(tr);
    }
    openRows[dimension].push(row);
    relabel(dimension, row);
    return row;
  }

  function relabel(dimension, row) {
    for (const template of rowTemplates[dimension] ?? []) {
      for (const input of row.inputs.values()) {
        const name = input.dataset.template.split(template.header).join(shownLabel(dimension, row));
        input.setAttribute("aria-label", name);
        input.title = name;
        input.dataset.title = name;
      }
    }
  }

  function removeRow(dimension, id) {
    const rows = openRows[dimension];
    const index = rows.findIndex((r) => r.id === id);
    if (index < 0) return;
    for (const tr of rows[index].trs) tr.remove();
    rows.splice(index, 1);
  }

  function clearRows() {
    for (const rows of Object.values(openRows)) {
      for (const row of rows) {
        for (const tr of row.trs) {
          for (const input of tr.querySelectorAll("input")) {
            input.classList.remove("fail", "warn", "invalid");
            input.removeAttribute("aria-invalid");
          }
        }
        relabel(Object.keys(openRows).find((d) => openRows[d] === rows), row);
      }
    }
  }

  function rawOf(input) {
    const numeric = ["count", "integer", "amount"].includes(input.dataset.kind);
    const v = numeric ? rawNumber(input.value) : input.value.trim();
    return v === "" ? null : v;
  }

  /** The rows a sum over the slot adds: every row, or of a coded hierarchy those whose parent is not entered. */
  function summedRows(dimension) {
    const rows = openRows[dimension].filter((r) => r.key !== "");
    if (!OPEN.dimensions[dimension].levels.length) return rows;
    const keys = new Set(rows.map((r) => r.key));
    return rows.filter((r) => !keys.has(parentOf(dimension, r.key)));
  }

  /** The sum of raw values: null when one is blank, unknown or not a number. */
  function sumOf(raws) {
    let total = Decimal.parse("0");
    for (const raw of raws) {
      const d = raw === null || raw === "unknown" ? null : Decimal.parse(raw);
      if (d === null) return null;
      total = total.add(d);
    }
    return total.toString();
  }

  function rowsSum(slotKey) {
    const dimension = slotDimension.get(cellRow(slotKey));
    return sumOf(summedRows(dimension).map((r) => rawOf(r.inputs.get(slotKey))));
  }

  /** A total of an open table shows the sum of what it adds up while the user has not typed another value. */
  function recomputeTotals() {
    for (const total of OPEN.totals) {
      const input = cells.get(total.cell);
      if (input === undefined) continue;
      const raws = total.fixed.map((k) => rawOf(cells.get(k)));
      if (total.rows !== null) raws.push(rowsSum(total.rows) ?? null);
      const sum = sumOf(raws) ?? "";
      input.placeholder = sum;
      if (input.value === "" || input.value === input.dataset.auto) {
        input.value = sum;
        input.dataset.auto = sum;
      }
    }
  }

  /** Last year's report as the validator's spec reads it at one row of `dimension` (`member`), or at the sums. */
  function previousAt(dimension, member) {
    if (previousRaw === null) return null;
    const values = previousRaw.values ?? {};
    const members = previousRaw.members ?? {};
    const out = { format: META.format, version: previousRaw.version, fields: previousRaw.fields ?? {}, texts: previousRaw.texts ?? {}, values: {} };
    const keysOf = (d) => (members[d] ?? []).map((m) => String(m.key));
    const entered = new Set(Object.keys(OPEN.dimensions).flatMap(keysOf));
    for (const [key, value] of Object.entries(values)) if (!entered.has(cellRow(key))) out.values[key] = value;
    for (const [d, o] of Object.entries(OPEN.dimensions)) {
      const keys = keysOf(d);
      for (const table of o.tables) {
        for (const [column] of OPEN.numeric[table] ?? []) {
          const slotKey = `${table}.${o.slot}.${column}`;
          if (d === dimension) {
            out.values[slotKey] = keys.includes(member) ? (values[memberCell(slotKey, member)] ?? null) : null;
          } else {
            out.values[slotKey] = sumOf(keys.map((k) => {
              const v = values[memberCell(slotKey, k)];
              return v === undefined || v === null ? null : String(v);
            }));
          }
        }
      }
    }
    return out;
  }

  function memberProblems() {
    const found = []; // [dimension, row or null, text]
    for (const [dimension, o] of Object.entries(OPEN.dimensions)) {
      const rows = openRows[dimension] ?? [];
      const pattern = keyRegExp(dimension);
      const seen = new Set();
      const keys = new Set(rows.map((r) => r.key));
      rows.forEach((row, index) => {
        if (row.key === "") {
          found.push([dimension, row, fill(UI.blank_key, { n: index + 1 })]);
          return;
        }
        if (/[.\s[\]]/u.test(row.key) || (pattern !== null && !pattern.test(row.key))) {
          found.push([dimension, row, fill(UI.bad_key, { key: row.key, pattern: o.pattern ?? "" })]);
        }
        if (seen.has(row.key)) found.push([dimension, row, fill(UI.twice, { key: row.key })]);
        seen.add(row.key);
        if (o.fixed.includes(row.key)) found.push([dimension, row, fill(UI.fixed, { key: row.key })]);
        if (row.label.trim() === "") found.push([dimension, row, fill(UI.blank_label, { key: row.key }), "label"]);
        if (o.levels.length) {
          if (!o.levels.includes(row.key.length)) found.push([dimension, row, fill(UI.bad_level, { key: row.key })]);
          const parent = parentOf(dimension, row.key);
          if (parent !== null && !keys.has(parent)) {
            found.push([dimension, row, fill(UI.no_parent, { key: row.key, parent })]);
          }
        }
        if (Object.keys(o.codes).length && !(row.key in o.codes)) {
          found.push([dimension, row, fill(UI.not_code, { key: row.key })]);
        }
      });
      const count = rows.length;
      const words = { dimension: o.label, count };
      if (count < o.at_least) found.push([dimension, "at_least", fill(UI.at_least, { ...words, bound: o.at_least })]);
      if (o.at_most !== null && count > o.at_most) {
        found.push([dimension, "at_most", fill(UI.at_most, { ...words, bound: o.at_most })]);
      }
    }
    return found;
  }

  /** A coded hierarchy: every entered row with entered children equals their sum, in every numeric column. */
  function hierarchyProblems() {
    const found = []; // [table, row, [inputs], text]
    for (const [dimension, o] of Object.entries(OPEN.dimensions)) {
      if (!o.levels.length) continue;
      const rows = openRows[dimension].filter((r) => r.key !== "");
      const children = new Map();
      for (const row of rows) {
        const parent = parentOf(dimension, row.key);
        if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), row]);
      }
      for (const row of rows) {
        const under = children.get(row.key);
        if (under === undefined) continue;
        for (const table of o.tables) {
          for (const [column, columnLabel] of OPEN.numeric[table] ?? []) {
            const slotKey = `${table}.${o.slot}.${column}`;
            const value = rawOf(row.inputs.get(slotKey));
            const sum = sumOf(under.map((c) => rawOf(c.inputs.get(slotKey))));
            const d = value === null || value === "unknown" ? null : Decimal.parse(value);
            if (d === null || sum === null || d.cmp(Decimal.parse(sum)) === 0) continue;
            const text = fill(UI.hierarchy, { column: columnLabel, parent: shownLabel(dimension, row), value, sum });
            const inputs = [row.inputs.get(slotKey), ...under.map((c) => c.inputs.get(slotKey))];
            found.push([table, row, column, inputs, text]);
          }
        }
      }
    }
    return found;
  }

  function officialNames() {
    const found = [];
    for (const [dimension, o] of Object.entries(OPEN.dimensions)) {
      for (const row of openRows[dimension]) {
        const name = o.codes[row.key];
        if (name !== undefined && row.label.trim() !== "" && row.label.trim() !== name) {
          found.push([dimension, row, fill(UI.official, { key: row.key, name })]);
        }
      }
    }
    return found;
  }

  function placeOfDimension(dimension) {
    const table = OPEN.dimensions[dimension].tables[0];
    return gridOf[table] ?? "other";
  }

  function readProblems(data, keep) {
    try {
      read(data);
      return [];
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      return error.problems.filter(([, key]) => keep(key));
    }
  }

  function checkOpen() {
    recomputeTotals();
    const data = collect();
    clear();
    clearRows();
    let problems = 0;
    let errors = 0;
    let warnings = 0;
    let unverifiable = 0;
    for (const [dimension, row, text, input = "key"] of memberProblems()) {
      if (typeof row === "string") {  // at least / at most: an error of the report, as the reference names it
        errors++;
        note(placeOfDimension(dimension), "error", {{ js("error") }}, text).dataset.check = `members.${dimension}.${row}`;
        continue;
      }
      problems++;
      const li = note(placeOfDimension(dimension), "invalid", {{ js("form.js.invalid") }}, text);
      li.dataset.check = `members.${dimension}`;
      {
        li.dataset.position = row.key;
        for (const tr of row.trs) mark(tr.querySelector(`input.member-${input}`), "invalid", text);
      }
    }
    for (const [dimension, row, text] of officialNames()) {
      warnings++;
      const li = note(placeOfDimension(dimension), "warning", {{ js("warning") }}, text);
      li.dataset.position = row.key;
      for (const tr of row.trs) mark(tr.querySelector("input.member-label"), "warn", text);
    }
    // the sums over the rows stand in the slot's cells
    const base = { format: data.format, version: data.version, fields: data.fields, texts: data.texts, values: {} };
    for (const [key, v] of Object.entries(data.values)) base.values[key] = v;
    for (const templates of Object.values(rowTemplates)) {
      for (const t of templates) for (const input of t.tr.querySelectorAll("input.cell")) base.values[input.dataset.cell] = rowsSum(input.dataset.cell);
    }
    const isSlot = (key) => slotDimension.has(cellRow(key) ?? "");
    for (const [code, key] of readProblems(base, (key) => !isSlot(key))) {
      problems++;
      const input = inputOf(key);
      const text = PROBLEMS[code] ?? code;
      mark(input, "invalid", text);
      const label = META.labels[key] ?? key;
      note(placeOf(key), "invalid", {{ js("form.js.invalid") }}, {{ js_template("form.js.invalid_note", label="label", text="text") }});
      if (key in base.values) base.values[key] = null;
      if (key in base.fields) base.fields[key] = null;
    }
    const results = [];
    const put = (r, row, dimension) => {
      results.push(r);
      if (r.status === "unverifiable") unverifiable++;
      if (r.status !== "fail") return;
      const error = r.severity === "error";
      if (error) errors++;
      else warnings++;
      const o = dimension === null ? null : OPEN.dimensions[dimension];
      const label = row === null ? UI.sum_of_rows : shownLabel(dimension, row);
      const say = (text) => (o === null ? text : text.split(`${o.slot} ${SENTINEL}`).join(label)).split(SENTINEL).join(label);
      const li = note(where(r), error ? "error" : "warning", error ? {{ js("error") }} : {{ js("warning") }}, say(r.message.zh));
      li.dataset.check = r.check;
      li.title = say(r.message.en);
{% if second_lang %}
      secondLine(li, say(r.message.en));
{% endif %}
      if (r.position !== null) li.dataset.position = row === null ? r.position : row.key;
      for (const c of r.cells) {
        if (c.previous || c.kind === "text") continue;
        const input = row !== null && isSlot(c.key) ? row.inputs.get(c.key) : inputOf(c.key);
        mark(input, error ? "fail" : "warn", say(r.message.zh));
      }
    };
    let all;
    try {
      all = validate(base, previousAt(null, null));
    } catch (error) {
      summary.textContent = {{ js("form.js.cannot_check") }} + error.message;
      return [];
    }
{% if records %}
    all = all.filter((r) => !PER_RECORD.has(r.check)); // run per record by checkRecords
{% endif %}
{% if aggregates %}
    all = all.concat(aggregateResults()); // the checks over aggregates of records, at the entered members' keys
{% endif %}
    for (const r of all) if (!slotDimension.has(r.position)) put(r, null, null);
    for (const [dimension, o] of Object.entries(OPEN.dimensions)) {
      for (const row of openRows[dimension]) {
        if (row.key === "") continue;
        const at = { ...base, values: { ...base.values } };
        for (const [key, input] of row.inputs) at.values[key] = rawOf(input);
        for (const [code, key] of readProblems(at, (key) => row.inputs.has(key))) {
          problems++;
          const text = PROBLEMS[code] ?? code;
          mark(row.inputs.get(key), "invalid", text);
          const label = row.inputs.get(key).getAttribute("aria-label");
          note(placeOf(key), "invalid", {{ js("form.js.invalid") }}, {{ js_template("form.js.invalid_note", label="label", text="text") }});
          at.values[key] = null;
        }
        for (const r of validate(at, previousAt(dimension, row.key))) if (r.position === o.slot) put(r, row, dimension);
      }
    }
    for (const [table, row, column, inputs, text] of hierarchyProblems()) {
      errors++;
      const li = note(gridOf[table] ?? "other", "error", {{ js("error") }}, text);
      li.dataset.check = `hierarchy.${table}.${row.key}`;
      li.dataset.position = column; // one position per column, as the reference evaluator gives it
      for (const input of inputs) mark(input, "fail", text);
    }
    lastResults = results;
    const parts = [];
    if (problems) parts.push({{ js_template("form.js.problems", n="problems") }});
    parts.push(errors ? {{ js_template("form.js.failed", n="errors") }} : {{ js("form.js.no_errors") }});
    if (warnings) parts.push({{ js_template("form.js.warnings", n="warnings") }});
    if (unverifiable) parts.push({{ js_template("form.js.unverifiable", n="unverifiable") }});
    summary.textContent = parts.join({{ js("form.js.summary_sep") }});
    summary.classList.toggle("has-errors", errors + problems > 0);
    const body = data.fields.body ?? "";
    const year = data.fields.year ?? "";
    title.textContent = year ? {{ js_template("form.js.title_year", body="body", year="year", suffix="title.dataset.suffix") }} : `${body}${title.dataset.suffix}`;
    for (const [key, area] of texts) {
      document.querySelector(`[data-print="${CSS.escape(key)}"]`).textContent = area.value;
    }
    return results;
  }

  /** The data file: the members of each open dimension, then the fields, texts and values (rows by their keys). */
  function savedOpen() {
    recomputeTotals();
    const data = collect();
    const number = (input, v) => {
      const numeric = ["count", "integer", "amount"].includes(input.dataset.kind);
      const d = numeric && v !== null && v !== "unknown" ? Decimal.parse(v) : null;
      return d ?? v;
    };
    const out = { format: data.format, version: data.version, members: {}, fields: {}, texts: {}, values: {} };
    for (const [dimension, rows] of Object.entries(openRows)) {
      out.members[dimension] = rows.map((r) => ({ key: r.key, label: r.label }));
    }
    for (const [key, v] of Object.entries(data.fields)) out.fields[key] = number(fields.get(key), v);
    for (const [key, v] of Object.entries(data.texts)) out.texts[key] = v;
    for (const [key, v] of Object.entries(data.values)) out.values[key] = number(cells.get(key), v);
    for (const rows of Object.values(openRows)) {
      for (const row of rows) {
        for (const [key, input] of row.inputs) out.values[memberCell(key, row.key)] = number(input, rawOf(input));
      }
    }
    return dumps(out, 2) + "\n";
  }

  function loadRows(data) {
    const values = data.values ?? {};
    const members = data.members ?? {};
    for (const [dimension, rows] of Object.entries(openRows)) {
      for (const row of [...rows]) removeRow(dimension, row.id);
      for (const m of members[dimension] ?? []) {
        const row = addRow(dimension, String(m.key ?? ""), String(m.label ?? ""));
        for (const [key, input] of row.inputs) input.value = show(values[memberCell(key, row.key)]);
      }
    }
    for (const total of OPEN.totals) {
      const input = cells.get(total.cell);
      if (input !== undefined) input.dataset.auto = "";
    }
  }

  function loadPrevious(text) {
    const data = parseJSON(text.replace(/^\uFEFF/, ""));
    if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Error({{ js("form.js.not_data") }});
    previousRaw = data;
    check();
  }

  setupOpenRows();
