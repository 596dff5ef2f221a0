// Money math digit for digit with Ruby Liquid 5 (the expected texts were rendered by Shopify's
// reference implementation, ruby-liquid 5.4): exact decimal arithmetic on prices given as
// strings, floats and integers, results printed as Ruby prints floats.
import { describe, expect, it } from "vitest";
import { createLiquidEngine } from "~/domain/liquid/engine";
import { parseJson } from "~/domain/json";

const engine = createLiquidEngine();

async function render(source: string, scope: Record<string, unknown> = {}): Promise<string> {
  return (await engine.render(source, scope)).output;
}

describe("money math as Ruby Liquid computes it", () => {
  it("the issue's examples", async () => {
    expect(await render('{{ "19.99" | times: 100 | floor }}')).toBe("1999");
    expect(await render("{{ 0.1 | plus: 0.2 }}")).toBe("0.3");
    expect(await render("{{ 3 | times: 1.1 }}")).toBe("3.3");
    expect(await render('{{ "19.99" | times: 100 }}')).toBe("1999.0");
    expect(await render("{{ 0.00001 | times: 1 }}")).toBe("1.0e-05");
  });

  it("every arithmetic filter on prices written as strings, floats and integers", async () => {
    const source =
      '{%- assign prices = "19.99,5.01,0.10,0.20,3.33,3.33,3.34,12.50,99.95,0.01" | split: "," -%}\n{%- assign total = 0 -%}{%- for p in prices -%}{%- assign total = total | plus: p -%}{%- endfor -%}\nA {{ total }}\nB {{ "19.99" | times: 100 | floor }} {{ "19.99" | times: 100 | round }} {{ 19.99 | times: 100 | floor }} {{ "4.35" | times: 100 | floor }} {{ 4.35 | times: 100 }}\nC {{ 0.1 | plus: 0.2 }} {{ 3 | times: 1.1 }} {{ 1.1 | times: 3 }} {{ 100 | times: 0.07 }} {{ "59.99" | times: 0.15 | round: 2 }} {{ "59.99" | times: 0.85 | round: 2 }}\nD {{ 10 | divided_by: 3.0 }} {{ "10.00" | divided_by: 3 | round: 2 }} {{ 1 | divided_by: 3.0 | times: 3 }} {{ 2.675 | round: 2 }} {{ 1.005 | round: 2 }} {{ "1.005" | round: 2 }}\nE {{ 1999 | divided_by: 100.0 }} {{ 1999 | divided_by: 100 }} {{ 1999 | modulo: 100 }} {{ "12.34" | times: 100 | modulo: 100 }} {{ 0.00001 | times: 1 }} {{ 1234567.891 | times: 1000 }}\nF {{ -0.5 | round }} {{ 0.5 | round }} {{ 1.5 | round }} {{ -1.5 | round }} {{ 1234.5678 | round: -2 }} {{ 1250 | round: -2 }} {{ -1250 | round: -2 }}\nG {{ "9.99" | plus: "0.01" }} {{ "9.99" | minus: 9.99 }} {{ 0.3 | minus: 0.1 }} {{ 5 | at_least: 5.5 }} {{ 5.5 | at_most: 5 }} {{ -3.3 | abs }} {{ "abc" | times: 2 }}\n';
    expect(await render(source)).toBe(
      "A 147.76\nB 1999 1999 1999 435 435.0\nC 0.3 3.3 3.3 7.0 9.0 50.99\nD 3.3333333333333335 3.33 0.9999999999999999 2.68 1.01 1.01\nE 19.99 19 99 34.0 1.0e-05 1234567891.0\nF -1 1 2 -2 1200 1300 -1300\nG 10.0 0.0 0.2 5.5 5 3.3 0\n",
    );
  });

  it("sums of many line items, percentage discounts and cents with floor and round", async () => {
    const source =
      "{%- assign total = 0 -%}{%- assign float_total = 0 -%}{%- assign cents = 0 -%}\n{%- for i in (1..200) -%}\n{%- assign c = i | times: 37 | modulo: 1000 | plus: 99 -%}\n{%- assign price = c | divided_by: 100.0 -%}\n{%- assign qty = i | modulo: 3 | plus: 1 -%}\n{%- assign line = price | times: qty -%}\n{%- assign total = total | plus: line -%}\n{%- assign discounted = line | times: 0.85 | round: 2 -%}\n{%- assign float_total = float_total | plus: discounted -%}\n{%- assign line_cents = line | times: 100 | round -%}{%- assign cents = cents | plus: line_cents -%}\n{%- endfor -%}\n{{ total }} {{ float_total }} {{ cents }} {{ total | times: 100 | floor }} {{ total | times: 0.0825 | round: 2 }}\n";
    expect(await render(source)).toBe("2370.57 2015.03 237057 237057 195.57\n");
  });

  it("prices from posted JSON: floats stay floats, integers integers", async () => {
    const data = parseJson('{"total":20.0,"price":"19.99","qty":3,"rate":0.075}');
    const source =
      "{{ data.total }} {{ data.total | divided_by: 3 }} {{ data.price | times: data.qty }} {{ data.total | times: data.rate }} {{ data.qty | divided_by: 2 }}";
    expect(await render(source, { data })).toBe("20.0 6.666666666666667 59.97 1.5 1");
  });

  it("integer math stays exact beyond 2^53", async () => {
    const data = parseJson('{"id":820982911946154508}');
    expect(
      await render("{{ data.id | plus: 1 }} {{ data.id | times: 10 }} {{ data.id | modulo: 1000 }}", { data }),
    ).toBe("820982911946154509 8209829119461545080 508");
  });

  it("division and modulo by zero", async () => {
    await expect(render("{{ 5 | divided_by: 0 }}")).rejects.toThrow("divided by 0");
    await expect(render("{{ 5 | modulo: 0 }}")).rejects.toThrow("divided by 0");
    expect(await render("{{ 1.5 | divided_by: 0 }}")).toBe("Infinity");
  });
});
