  // ------------------------------------------------------------------------------------ lists of records (issue 15)
  // A table per list (docs/records.md): a row per record, numbered from 1, an input per field (a member field a
  // drop-down of the members a record may name: the dimension's fixed members and, of an open dimension, the rows
  // entered above; a choice field a drop-down of its choices), a remove button; an add button under the table. The
  // validator above checks the report with one record per list (LIST.1.FIELD): its `for each record` checks run here
  // once per record, with that record's fields in record 1's cells; the form checks here too how many records there
  // are (at least / at most), a field left blank, a number that is none and a member that is no longer there. The
  // checks over aggregates of records (sum, count, min, max, exists, with their `where`) run in a module of their own
  // (window.gaidslRecordChecks: the generated validator of the spec itself with only those checks), on the report as
  // the data file gives it: members, values and every record. Each failure is listed at its table and under each
  // list it reads, its cells and record fields marked; while a record is incomplete (a `where` cannot be decided)
  // they wait, and the form says so under the list (RUI.waiting). A check that validator refuses stays gaidsl
  // validate's, as the line under the list says.
  const RECORDS = META.records;
  const RUI = RECORDS.ui;
  const recordRows = Object.create(null); // list → [{tr, inputs: Map(field → input)}]
  const PER_RECORD = new Set(RECORDS.per_record); // the validator's checks of record 1 (LIST.1.FIELD)

  /** The input of a record's field (`LIST.N.FIELD`) or of an entered row's cell (`table.KEY.column`). */
  function recordInput(key) {
    const parts = key.split(".");
    const rows = recordRows[parts[0]];
    if (rows !== undefined && parts.length === 3) return rows[Number(parts[1]) - 1]?.inputs.get(parts[2]);
{% if open_rows %}
    for (const [dimension, o] of Object.entries(OPEN.dimensions)) {
      const row = (openRows[dimension] ?? []).find((r) => r.key !== "" && r.key === parts[1]);
      const input = row?.inputs.get(memberCell(key, o.slot));
      if (input !== undefined) return input;
    }
{% endif %}
    return undefined;
  }

{% if aggregates %}
  const AGGREGATES = new Map(Object.entries(RECORDS.aggregates)); // check → the lists it reads
  let aggregateFailures = [];
  let aggregatesWaiting = false;

  /** The report as its data file says it: the entered members (rows with a key), every cell by member key, the
   * records (a blank field null), raw text throughout (the module reads numbers exactly). */
  function aggregateData() {
    const data = collect();
    const out = { ...data, records: {} };
{% if open_rows %}
    out.members = {};
    for (const [dimension, rows] of Object.entries(openRows)) {
      const entered = rows.filter((r) => r.key !== "");
      out.members[dimension] = entered.map((r) => ({ key: r.key, label: r.label.trim() || r.key }));
      for (const row of entered) {
        for (const [key, input] of row.inputs) out.values[memberCell(key, row.key)] = rawOf(input);
      }
    }
{% endif %}
    for (const [list, records] of Object.entries(collectRecords())) {
      out.records[list] = records.map((record) =>
        Object.fromEntries(Object.entries(record).map(([field, v]) => [field, v === "" ? null : v])),
      );
    }
    return out;
  }

  /** The results of the checks over aggregates: a cell the module cannot read is left blank (the form flags it
   * already); a record or member it cannot read makes them wait. */
  function aggregateResults() {
    aggregateFailures = [];
    aggregatesWaiting = false;
    const checker = window.gaidslRecordChecks;
    if (checker === undefined) return [];
    const data = aggregateData();
    for (let attempt = 0; ; attempt++) {
      try {
        checker.read(data);
        break;
      } catch (error) {
        if (!(error instanceof checker.DataError)) throw error;
        let dropped = false;
        for (const [, key] of error.problems) {
          for (const part of [data.values, data.fields]) {
            if (Object.hasOwn(part, key) && part[key] !== null) {
              part[key] = null;
              dropped = true;
            }
          }
        }
        if (!dropped || attempt > 2) {
          aggregatesWaiting = true;
          return [];
        }
      }
    }
    const results = checker.validate(data, null).filter((r) => AGGREGATES.has(r.check));
    aggregateFailures = results.filter((r) => r.status === "fail");
    return results;
  }

  /** Each failing check over aggregates beside the lists it reads, its records' fields marked. */
  function showAggregates() {
    for (const r of aggregateFailures) {
      const error = r.severity === "error";
      for (const list of AGGREGATES.get(r.check)) {
        noteFinding("records:" + list, r);
      }
      for (const c of r.cells) {
        const input = c.previous ? undefined : recordInput(c.key);
        if (input?.classList.contains("record-field")) mark(input, error ? "fail" : "warn", r.message.zh);
      }
    }
    if (!aggregatesWaiting) return;
    for (const list of new Set([...AGGREGATES.values()].flat())) {
      const p = document.createElement("p");
      p.className = "pending";
      p.textContent = RUI.waiting;
      boxes.get("records:" + list)?.append(p);
    }
  }

{% endif %}
  function words(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
  }

  function memberOptions(dimension) {
    const options = (RECORDS.members[dimension] ?? []).map(([key, label]) => [key, label]);
{% if open_rows %}
    for (const row of openRows[dimension] ?? []) if (row.key !== "") options.push([row.key, row.label]);
{% endif %}
    return options;
  }

  function setOptions(select, options) {
    const chosen = select.value;
    select.replaceChildren(new Option("", ""));
    for (const [value, label] of options) {
      const option = new Option(label && label !== value ? `${value} ${label}` : value, value);
      select.append(option);
    }
    if (chosen !== "" && !options.some(([value]) => value === chosen)) select.append(new Option(chosen, chosen));
    select.value = chosen;
  }

  function refreshOptions() {
    for (const [list, rows] of Object.entries(recordRows)) {
      for (const field of RECORDS.lists[list].fields) {
        if (field.dimension === null) continue;
        const options = memberOptions(field.dimension);
        for (const row of rows) setOptions(row.inputs.get(field.key), options);
      }
    }
  }

  function renumber(list) {
    recordRows[list].forEach((row, index) => {
      row.tr.firstChild.textContent = String(index + 1);
      for (const field of RECORDS.lists[list].fields) {
        const label = words(RUI.field_of, { n: index + 1, field: field.label });
        row.inputs.get(field.key).setAttribute("aria-label", label);
      }
    });
  }

  function addRecord(list, values = {}) {
    const meta = RECORDS.lists[list];
    const tbody = document.querySelector(`table.record-list[data-records="${CSS.escape(list)}"] tbody`);
    const tr = document.createElement("tr");
    tr.className = "record-row";
    const number = document.createElement("th");
    number.scope = "row";
    tr.append(number);
    const row = { tr, inputs: new Map() };
    for (const field of meta.fields) {
      const td = document.createElement("td");
      let input;
      if (field.dimension !== null || field.choices.length) {
        input = document.createElement("select");
        setOptions(input, field.dimension !== null ? memberOptions(field.dimension) : field.choices.map((c) => [c, c]));
      } else {
        input = document.createElement("input");
        input.type = "text";
        input.autocomplete = "off";
        input.inputMode = field.numeric ? (field.kind === "amount" ? "decimal" : "numeric") : "text";
        if (field.kind === "date") input.placeholder = "YYYY-MM-DD";
      }
      input.className = "record-field";
      input.dataset.records = list;
      input.dataset.field = field.key;
      input.dataset.kind = field.kind;
      const value = values[field.key];
      if (value !== null && value !== undefined) {
        const shown = show(value);
        if (input.tagName === "SELECT" && ![...input.options].some((o) => o.value === shown)) {
          input.append(new Option(shown, shown));
        }
        input.value = shown;
      }
      input.style.textAlign = field.numeric ? "center" : "left";
      td.append(input);
      tr.append(td);
      row.inputs.set(field.key, input);
    }
    const last = document.createElement("td");
    last.className = "no-print";
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove-row";
    remove.textContent = "×";
    remove.title = RUI.remove_record;
    remove.setAttribute("aria-label", RUI.remove_record);
    remove.addEventListener("click", () => {
      removeRecord(list, recordRows[list].indexOf(row));
      check();
    });
    last.append(remove);
    tr.append(last);
    tbody.append(tr);
    recordRows[list].push(row);
    renumber(list);
    return row;
  }

  function removeRecord(list, index) {
    const [row] = recordRows[list].splice(index, 1);
    if (row !== undefined) row.tr.remove();
    renumber(list);
  }

  /** Each record as the data file writes it: a field's raw text ("" blank, "unknown" for a value not known), by field. */
  function collectRecords() {
    const out = Object.create(null);
    for (const [list, rows] of Object.entries(recordRows)) {
      out[list] = rows.map((row) => {
        const record = {};
        for (const field of RECORDS.lists[list].fields) {
          const input = row.inputs.get(field.key);
          record[field.key] = field.numeric ? rawNumber(input.value) : input.value.trim();
          if (!field.numeric && (input.value.trim() === {{ js("unknown", "zh") }} || input.value.trim() === "unknown")) {
            record[field.key] = "unknown";
          }
        }
        return record;
      });
    }
    return out;
  }

  function recordsOut() {
    const out = {};
    for (const [list, records] of Object.entries(collectRecords())) {
      const fieldsOf = new Map(RECORDS.lists[list].fields.map((f) => [f.key, f]));
      out[list] = records.map((record) => {
        const written = {};
        for (const [key, v] of Object.entries(record)) {
          const d = fieldsOf.get(key).numeric && v !== "" && v !== "unknown" ? Decimal.parse(v) : null;
          written[key] = v === "" ? null : (d ?? v);
        }
        return written;
      });
    }
    return out;
  }

  function loadRecords(data) {
    const given = data.records ?? {};
    for (const list of Object.keys(recordRows)) {
      while (recordRows[list].length) removeRecord(list, recordRows[list].length - 1);
      const records = Array.isArray(given[list]) ? given[list] : [];
      for (const record of records) addRecord(list, record !== null && typeof record === "object" ? record : {});
    }
  }

  function checkRecords() {
    refreshOptions();
    let problems = 0;
    const collected = collectRecords();
    for (const [name, rows] of Object.entries(recordRows)) {
      const meta = RECORDS.lists[name];
      const where = "records:" + name;
      for (const row of rows) {
        for (const input of row.inputs.values()) {
          input.classList.remove("invalid", "fail", "warn");
          input.removeAttribute("aria-invalid");
          input.title = "";
        }
      }
      const count = rows.length;
      if (count < meta.at_least) {
        note(where, "error", {{ js("error") }}, words(RUI.at_least, { list: meta.label, bound: meta.at_least, count }));
        problems++;
      }
      if (meta.at_most !== null && count > meta.at_most) {
        note(where, "error", {{ js("error") }}, words(RUI.at_most, { list: meta.label, bound: meta.at_most, count }));
        problems++;
      }
      collected[name].forEach((record, index) => {
        runPerRecord(name, index, record, rows[index], where).forEach(() => problems++);
        for (const field of meta.fields) {
          const v = record[field.key];
          const input = rows[index].inputs.get(field.key);
          let text = null;
          if (v === "") text = words(RUI.blank_field, { n: index + 1, field: field.label });
          else if (field.numeric && v !== "unknown" && Decimal.parse(v) === null) {
            text = words(RUI.bad_number, { n: index + 1, field: field.label, value: v });
          } else if (field.dimension !== null && !memberOptions(field.dimension).some(([key]) => key === v)) {
            text = words(RUI.not_member, { n: index + 1, field: field.label, value: v });
          }
          if (text === null) continue;
          mark(input, "invalid", text);
          note(where, "invalid", {{ js("form.js.invalid") }}, text);
          problems++;
        }
      });
    }
{% if aggregates %}
    showAggregates();
{% endif %}
    if (problems) {
      summary.textContent += {{ js("form.js.summary_sep") }} + words(RUI.problems, { n: problems });
      summary.classList.add("has-errors");
    }
  }

  /** The `for each record` checks at one record: the validator run on the report's fields and that record's
   * values in record 1's cells; each failing result noted under the list, its fields marked. */
  function runPerRecord(list, index, record, row, where) {
    if (!PER_RECORD.size) return [];
    const base = collect();
    const at = { format: base.format, version: base.version, fields: base.fields, texts: {}, values: {} };
    for (const [field, v] of Object.entries(record)) at.values[`${list}.1.${field}`] = v === "" ? null : v;
    let results;
    try {
      results = validate(at, null);
    } catch {
      return []; // a value the validator cannot read: flagged below as a bad field
    }
    const failing = results.filter((r) => PER_RECORD.has(r.check) && r.status === "fail" && r.table === list);
    for (const r of failing) {
      const error = r.severity === "error";
      const text = words(RUI.record_n, { n: index + 1 }) + r.message.zh;
      noteFinding(where, r, text, String(index + 1));
      for (const c of r.cells) {
        const field = c.key.startsWith(`${list}.1.`) ? c.key.slice(list.length + 3) : null;
        if (field !== null && row.inputs.has(field)) mark(row.inputs.get(field), error ? "fail" : "warn", text);
      }
    }
    return failing;
  }

  function setupRecords() {
    for (const button of document.querySelectorAll("button.add-record")) {
      const list = button.dataset.records;
      recordRows[list] = [];
      button.textContent = words(RUI.add_record, { list: RECORDS.lists[list].label });
      button.addEventListener("click", () => {
        addRecord(list).inputs.values().next().value?.focus();
        check();
      });
    }
  }
