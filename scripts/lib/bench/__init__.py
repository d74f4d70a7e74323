"""scripts/bench, one module per role: wrk (running wrk and the rows it makes; bench.lua shapes its
requests), cpu (server CPU from /proc), services (the processes under load), scenarios, report
(Markdown and JSON) and chart (before/after PNG). __main__ holds the command line."""
