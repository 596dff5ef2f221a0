// The hot SQL module writes SQL by hand beside Prisma: its column lists and row mappers must stay
// the Prisma schema's. This reads prisma/schema.prisma (the source of truth, from which the
// PostgreSQL schema is derived) and checks each list's columns exist with the type and optionality
// the mappers assume.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ACTION_RUN_INSERT_COLUMNS,
  EVENT_INSERT_COLUMNS,
  TASK_RUN_INSERT_COLUMNS,
  toActionRunRow,
  toEventRow,
  toTaskRow,
  toTaskRunRow,
} from "~/data/hot-sql.server";
import { ACTION_RUN_ROW_COLUMNS, EVENT_ROW_COLUMNS, TASK_ROW_COLUMNS, TASK_RUN_ROW_COLUMNS } from "~/data/run-store";
import { ACTION_RUN_STATUSES, EVENT_STATUSES, TASK_RUN_STATUSES } from "~/domain/runs/status";

interface Field {
  type: string;
  optional: boolean;
}

/** model name -> scalar field name -> type and optionality, from the schema text. */
function readSchema(): Map<string, Map<string, Field>> {
  const text = readFileSync("prisma/schema.prisma", "utf8");
  const models = new Map<string, Map<string, Field>>();
  for (const match of text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const fields = new Map<string, Field>();
    for (const line of match[2]!.split("\n")) {
      const field = /^\s+(\w+)\s+(\w+)(\??)(\[\])?/.exec(line);
      if (!field || field[4]) continue;
      fields.set(field[1]!, { type: field[2]!, optional: field[3] === "?" });
    }
    models.set(match[1]!, fields);
  }
  return models;
}

const schema = readSchema();
const SCALARS = new Set(["String", "Int", "Boolean", "DateTime", "Bytes", "BigInt"]);

/** A raw driver row with a plausible value for every listed column. */
function rawRow(model: string, columns: readonly string[], nulls: boolean): Record<string, unknown> {
  const fields = schema.get(model)!;
  const statuses: Record<string, readonly string[]> = {
    Event: EVENT_STATUSES,
    TaskRun: TASK_RUN_STATUSES,
    ActionRun: ACTION_RUN_STATUSES,
  };
  return Object.fromEntries(
    columns.map((column) => {
      const field = fields.get(column)!;
      if (nulls && field.optional) return [column, null];
      if (column === "status") return [column, statuses[model]![0]];
      const value =
        field.type === "Int"
          ? 3
          : field.type === "Boolean"
            ? 1 // SQLite's representation
            : field.type === "DateTime"
              ? "2030-01-01T00:00:00.000+00:00"
              : `${column}-text`;
      return [column, value];
    }),
  );
}

const JS_TYPE: Record<string, (v: unknown) => boolean> = {
  String: (v) => typeof v === "string",
  Int: (v) => typeof v === "number" && Number.isInteger(v),
  Boolean: (v) => typeof v === "boolean",
  DateTime: (v) => v instanceof Date && !Number.isNaN(v.getTime()),
};

describe("hot SQL column lists against prisma/schema.prisma", () => {
  const lists: [string, string, readonly string[]][] = [
    ["Event", "EVENT_ROW_COLUMNS", EVENT_ROW_COLUMNS],
    ["Event", "EVENT_INSERT_COLUMNS", EVENT_INSERT_COLUMNS],
    ["Task", "TASK_ROW_COLUMNS", TASK_ROW_COLUMNS],
    ["TaskRun", "TASK_RUN_ROW_COLUMNS", TASK_RUN_ROW_COLUMNS],
    ["TaskRun", "TASK_RUN_INSERT_COLUMNS", TASK_RUN_INSERT_COLUMNS],
    ["ActionRun", "ACTION_RUN_ROW_COLUMNS", ACTION_RUN_ROW_COLUMNS],
    ["ActionRun", "ACTION_RUN_INSERT_COLUMNS", ACTION_RUN_INSERT_COLUMNS],
  ];

  it("reads the schema (the check itself works)", () => {
    expect(schema.get("Event")!.get("parentId")).toEqual({ type: "String", optional: true });
    expect(schema.get("Event")!.get("depth")).toEqual({ type: "Int", optional: false });
    expect(schema.get("Event")!.has("taskRuns")).toBe(false); // a relation list, not a column
  });

  for (const [model, name, columns] of lists) {
    it(`${name}: scalar columns of ${model}, no repeats`, () => {
      const fields = schema.get(model);
      expect(fields, `model ${model}`).toBeDefined();
      for (const column of columns) {
        const field = fields!.get(column);
        expect(field, `${model}.${column}`).toBeDefined();
        expect(SCALARS.has(field!.type), `${model}.${column} is ${field!.type}`).toBe(true);
      }
      expect(new Set(columns).size).toBe(columns.length);
    });
  }

  it("inserts give every required column without a default a value", () => {
    const text = readFileSync("prisma/schema.prisma", "utf8");
    for (const [model, columns] of [
      ["Event", EVENT_INSERT_COLUMNS],
      ["TaskRun", TASK_RUN_INSERT_COLUMNS],
      ["ActionRun", ACTION_RUN_INSERT_COLUMNS],
    ] as const) {
      const body = new RegExp(`^model ${model} \\{([\\s\\S]*?)^\\}`, "m").exec(text)![1]!;
      for (const line of body.split("\n")) {
        const field = /^\s+(\w+)\s+(\w+)(\??)(\[\])?(.*)$/.exec(line);
        if (!field || field[3] === "?" || field[4] || !SCALARS.has(field[2]!)) continue;
        if (/@default|@updatedAt/.test(field[5]!)) continue;
        expect(columns as readonly string[], `${model}.${field[1]} is required`).toContain(field[1]);
      }
    }
  });

  const mappers: [string, readonly string[], (r: Record<string, unknown>) => object][] = [
    ["Event", EVENT_ROW_COLUMNS, toEventRow],
    ["Task", TASK_ROW_COLUMNS, toTaskRow],
    ["TaskRun", TASK_RUN_ROW_COLUMNS, toTaskRunRow],
    ["ActionRun", ACTION_RUN_ROW_COLUMNS, toActionRunRow],
  ];
  for (const [model, columns, mapper] of mappers) {
    it(`the ${model} row mapper gives each column the schema's type, and null only where it is optional`, () => {
      const fields = schema.get(model)!;
      const full = mapper(rawRow(model, columns, false)) as Record<string, unknown>;
      expect(Object.keys(full).sort()).toEqual([...columns].sort());
      for (const column of columns) {
        const type = fields.get(column)!.type;
        expect(JS_TYPE[type]!(full[column]), `${model}.${column} as ${type}: ${String(full[column])}`).toBe(true);
      }
      const sparse = mapper(rawRow(model, columns, true)) as Record<string, unknown>;
      for (const column of columns) {
        if (fields.get(column)!.optional) expect(sparse[column], `${model}.${column}`).toBeNull();
        else expect(sparse[column], `${model}.${column}`).not.toBeNull();
      }
    });
  }

  it("a status the unions do not know fails loudly instead of passing through", () => {
    expect(() => toEventRow({ ...rawRow("Event", EVENT_ROW_COLUMNS, false), status: "enqueued" })).toThrow(
      /unknown event status "enqueued"/,
    );
  });
});
