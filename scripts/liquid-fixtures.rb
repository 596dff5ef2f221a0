#!/usr/bin/env ruby
# frozen_string_literal: true

# `npm run liquid:fixtures`: renders the Liquid conformance corpus with Shopify's reference
# implementation (Debian's ruby-liquid, 5.x; `apt-get install ruby-liquid`, see
# scripts/setup-machine.sh) and writes the expected results that
# tests/unit/domain/liquid/conformance.test.ts compares Hookline's engine with. Run it after changing the
# corpus; commit the fixture file. Never used at run time.
#
# Corpus: tests/unit/domain/liquid/conformance/cases/*.txt, cases separated by lines "=== <name>" (lines
# before the first one are comments); a case's template is the text up to the next separator,
# without its last newline. Every case renders against conformance/scope.json, in UTC.
# Settings mirror Hookline's engine: strict parsing, unknown filters are errors, and a runtime
# error fails the render (render!), as a Liquid error fails a Mechanic task run.
require "json"
require "liquid"

ENV["TZ"] = "UTC"
ROOT = File.expand_path("../tests/unit/domain/liquid/conformance", __dir__)
OUTPUT = File.join(ROOT, "expected.json")

def parse_cases(text)
  cases = []
  current = nil
  text.each_line do |line|
    if (match = line.match(/\A=== (.+?)\s*\z/))
      cases << current if current
      current = { name: match[1], lines: [] }
    elsif current
      current[:lines] << line
    end
  end
  cases << current if current
  cases.map { |c| [c[:name], c[:lines].join.delete_suffix("\n")] }
end

scope_json = File.read(File.join(ROOT, "scope.json"))
results = {}
Dir[File.join(ROOT, "cases", "*.txt")].sort.each do |file|
  section = File.basename(file, ".txt")
  seen = {}
  parse_cases(File.read(file, encoding: "UTF-8")).each do |name, source|
    id = "#{section}/#{name}"
    raise "duplicate case #{id}" if seen[name]

    seen[name] = true
    begin
      template = Liquid::Template.parse(source, error_mode: :strict)
      output = template.render!(JSON.parse(scope_json), strict_filters: true)
      results[id] = { "output" => output }
    rescue Liquid::Error, ::ArgumentError, ::TypeError, ::NoMethodError => e
      results[id] = { "error" => e.message }
    end
  end
end

File.write(OUTPUT, "#{JSON.pretty_generate(results)}\n")
puts "liquid-fixtures: #{results.size} cases rendered by Liquid #{Liquid::VERSION} " \
     "(Ruby #{RUBY_VERSION}) into #{OUTPUT.sub("#{Dir.pwd}/", '')}"
