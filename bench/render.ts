// `npm run bench:render`: Liquid render speed of task scripts, next to stock liquidjs rendering
// the same standard-Liquid work in the same run (the engine Hookline adapts), so the ratio can be
// compared across machines and runs. Scripts that use Mechanic's tags have no stock counterpart
// and print their time per render alone.
//   BENCH_RENDER_MS=1500 (time per measured case), BENCH_ROUNDS=3
import { Liquid } from "liquidjs";
import { defaultEngine } from "../app/domain/liquid/engine";
import { renderTask, type RenderInput } from "../app/domain/tasks/render";
import { TASK_TEMPLATES } from "../app/domain/tasks/templates";
import { RenderPool } from "../app/services/render/pool.server";
import { median } from "./lib/stats";

const CASE_MS = Number(process.env.BENCH_RENDER_MS || 1500);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);

const lineItems = Array.from({ length: 25 }, (_, index) => ({
  id: 11_000_000_000 + index,
  title: `Product ${index} – “special” édition`,
  sku: `SKU-${index}`,
  quantity: (index % 4) + 1,
  price: `${(index * 3.37 + 9.99).toFixed(2)}`,
  tags: ["a", "b", `tag-${index}`],
}));
const orderData = {
  id: 820982911946154508n,
  email: "jon@example.com",
  total_price: "254.98",
  currency: "USD",
  customer: { id: 115310627314723954n, first_name: "Jon", last_name: "Snow", tags: "vip, wholesale" },
  line_items: lineItems,
  note_attributes: [{ name: "gift", value: "yes" }],
};

// Standard Liquid: rendered by both engines (Hookline's engine without the task wrapper).
const SHARED_CASES: Record<string, string> = {
  "json of event data": "{{ event.data | json }}",
  "loop, money math": `{%- assign total = 0 -%}
{%- for item in event.data.line_items -%}
  {%- assign line = item.price | times: item.quantity -%}
  {%- assign total = total | plus: line -%}
  {{ item.title | upcase | truncate: 20 }} {{ line | round: 2 }} {% if forloop.last %}last{% endif %}
{%- endfor -%}
total {{ total | divided_by: 1.0 | round: 2 }} discount {{ total | times: 0.15 | floor }}`,
  "strings and arrays": `{%- assign tags = event.data.customer.tags | split: ", " -%}
{{ tags | join: "|" }} {{ event.data.email | downcase | replace: "@", " at " }}
{%- assign skus = event.data.line_items | map: "sku" | sort | reverse -%}
{{ skus | first }} {{ skus | last }} {{ skus.size }}
{%- for item in event.data.line_items limit: 10 offset: 2 -%}{{ item.sku | append: "," }}{%- endfor -%}
{%- case event.data.currency -%}{%- when "USD" -%}dollars{%- else -%}other{%- endcase -%}
{%- capture greeting -%}Hi {{ event.data.customer.first_name | capitalize }}{%- endcapture -%}{{ greeting | escape }}`,
};

// Mechanic tags: Hookline only.
const MECHANIC_CASES: Record<string, string> = {
  "echo template": TASK_TEMPLATES.find((t) => t.id === "echo")!.draft.script,
  "metafield template": TASK_TEMPLATES.find((t) => t.id === "customer-metafield")!.draft.script,
  "action per line item": `{%- for item in event.data.line_items -%}
{%- assign tags = item.tags | join: ", " -%}
{% action "shopify" %}mutation { tagsAdd(id: {{ item.id | json }}, tags: {{ tags | json }}) { userErrors { message } } }{% endaction %}
{%- endfor -%}{% log count: event.data.line_items.size %}`,
};

const shop = {
  name: "Bench",
  domain: "bench.example",
  myshopify_domain: "bench.myshopify.com",
  email: "owner@bench.example",
  currency: "USD",
  timezone: "UTC",
};

function hooklineInput(script: string, name: string): RenderInput {
  return {
    script,
    options: {
      metafield_namespace__required: "hookline",
      metafield_key__required: "data",
      metafield_type__required: "json",
    },
    event: {
      id: "bench",
      topic: "user/orders/created",
      data: { ...orderData, customer_id: 1234567890, value: { plan: "gold" } },
      created_at: "2026-01-01T00:00:00Z",
      source: "user",
    },
    shop,
    task: { id: "bench", name },
    templateCacheKey: `bench:${name}`,
  };
}

/**
 * Renders per second of this process's CPU time over CASE_MS of wall time, after a short warm-up.
 * CPU time, not wall time: on a shared machine other processes' load would swamp the figures.
 */
async function rate(render: () => Promise<unknown>): Promise<number> {
  const warmupEnd = performance.now() + 200;
  while (performance.now() < warmupEnd) await render();
  let count = 0;
  const cpu = process.cpuUsage();
  const end = performance.now() + CASE_MS;
  while (performance.now() < end) {
    await render();
    count++;
  }
  const used = process.cpuUsage(cpu);
  return count / ((used.user + used.system) / 1e6);
}

// Stock liquidjs with plain JSON values (it has no BigInt support: ids become strings).
const stock = new Liquid({ jsTruthy: false, strictFilters: true });
const stockData = JSON.parse(
  JSON.stringify({ ...orderData, customer_id: 1234567890 }, (_key, value) =>
    typeof value === "bigint" ? value.toString() : value,
  ),
);

async function main(): Promise<void> {
  const shared: Record<string, { hookline: number[]; stock: number[] }> = {};
  const mechanic: Record<string, number[]> = {};
  // The same renders through a render thread (decision 0072): what the runner and dry runs pay
  // for leaving the event loop (copying the input and result as JSON text, two messages).
  const threaded: Record<string, number[]> = {};
  const pool = new RenderPool({ size: 1 });
  await pool.render(hooklineInput("{{ 1 }}", "warm-up"));
  for (const [name, script] of Object.entries(MECHANIC_CASES)) {
    const first = await renderTask(hooklineInput(script, name));
    if (first.errors.length) throw new Error(`${name}: ${first.errors.join("; ")}`);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, script] of Object.entries(SHARED_CASES)) {
      const template = stock.parse(script);
      const entry = (shared[name] ??= { hookline: [], stock: [] });
      entry.stock.push(await rate(() => stock.render(template, { event: { data: stockData } })));
      // The engine alone (renderTask would also read the output as Mechanic's JSON stream).
      const scope = { event: hooklineInput(script, name).event };
      entry.hookline.push(await rate(() => defaultEngine.render(script, scope, { cacheKey: `bench:${name}` })));
    }
    for (const [name, script] of Object.entries(MECHANIC_CASES)) {
      const input = hooklineInput(script, name);
      (mechanic[name] ??= []).push(await rate(() => renderTask(input)));
      (threaded[name] ??= []).push(await rate(() => pool.render(input)));
    }
    process.stdout.write(`round ${round} of ${ROUNDS} done\n`);
  }
  console.log(`\nmedians over ${ROUNDS} rounds (renders per CPU second; CPU µs per render)`);
  const ratios: number[] = [];
  for (const [name, { hookline, stock: stockRates }] of Object.entries(shared)) {
    const h = median(hookline);
    const s = median(stockRates);
    ratios.push(h / s);
    console.log(
      `${name.padEnd(24)} hookline ${h.toFixed(0).padStart(7)}/s ${(1e6 / h).toFixed(1).padStart(7)} µs   liquidjs ${s.toFixed(0).padStart(7)}/s ${(1e6 / s).toFixed(1).padStart(7)} µs   ratio ${(h / s).toFixed(2)}`,
    );
  }
  const threadRatios: number[] = [];
  for (const [name, rates] of Object.entries(mechanic)) {
    const h = median(rates);
    const t = median(threaded[name] ?? []);
    threadRatios.push(t / h);
    console.log(
      `${name.padEnd(24)} hookline ${h.toFixed(0).padStart(7)}/s ${(1e6 / h).toFixed(1).padStart(7)} µs   in a render thread ${t.toFixed(0).padStart(7)}/s ${(1e6 / t).toFixed(1).padStart(7)} µs   ratio ${(t / h).toFixed(2)}`,
    );
  }
  await pool.close();
  console.log(`ratio render thread/in-process (median of the Mechanic cases): ${median(threadRatios).toFixed(2)}`);
  console.log(`\nratio hookline/liquidjs (median of the shared cases): ${median(ratios).toFixed(2)}`);
}

await main();
