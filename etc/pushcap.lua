-- pushcap service configuration: what `bin/pushcap serve` runs (reference: docs/service.md).
-- Runs on this host as it is: a RAM ring, the NIC of the default route captured into it, the
-- ring recorded into ./store, and the push_pcap loader pushing 24/7 into ./out (one-minute zstd
-- splits, etc/push_pcap.lua). Relative paths are relative to the directory serve runs in.
-- Validate with: bin/pushcap serve --check   Check the host with: bin/pushcap doctor

local Service = {}

Service.Http        = "127.0.0.1:9487"     -- status page /, /status (JSON), /metrics (Prometheus)
Service.StateDir    = "var"                -- cursors, manifests, schedule state
Service.LogDir      = "logs"               -- serve.log, analytics_<schedule>.cur, push_<Desc>_* logs
Service.RingDir     = "/run/pushcap/ram"   -- where rings live...
Service.RingMount   = "tmpfs"              -- ...on a tmpfs with huge pages serve mounts there (falls back, saying why)
Service.StopTimeout = 20                   -- seconds SIGTERM may take: open splits published, cursors saved

Service.Ring = {}
table.insert(Service.Ring, { Name = "pushcap", Size = "256m" })

-- Interface "default" is the interface of the default route, resolved when serve starts.
-- Real taps: { Interface = "eth1", Ring = "cisco", Snaplen = 1514, Filter = "not port 22", Vlan = 100 }
Service.Capture = {}
table.insert(Service.Capture, { Interface = "default", Ring = "pushcap" })

Service.Recorder = {}
table.insert(Service.Recorder, { Ring = "pushcap", Store = "store", MaxBytes = "20g", MinFree = "5g" })

-- Loaders are looked up in etc/analytics, analytics and pushcap's own analytics/ (the seed's
-- "Analytics Scheduler"); each writes logs/analytics_<Name>.cur.
Service.Schedule = {}
table.insert(Service.Schedule, { Loader = "push_pcap", Config = "etc/push_pcap.lua", Window = "always" })

-- An end-of-day push with its own config, once a day at 00:05 over the day that ended: "day" is
-- every capture of the store with packets of that day, limited to that day (push --day).
table.insert(Service.Schedule, { Loader = "push_pcap_eod", Config = "etc/push_pcap_eod.lua",
                                 Once = "0 5 0 * * ?", Offline = { "day" } })

return Service
