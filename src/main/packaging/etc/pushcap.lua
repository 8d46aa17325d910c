-- pushcap service configuration, as installed by the package (/etc/pushcap/pushcap.lua).
-- The same keys as etc/pushcap.lua of the source tree (docs/configuration.md); the paths follow
-- the package's layout: state in /var/lib/pushcap (the unit's StateDirectory, also its working
-- directory, so relative paths land there), logs in /var/log/pushcap (LogsDirectory).
local Service = {}
Service.Http        = "127.0.0.1:9487"      -- status page /, /status (JSON), /metrics (Prometheus)
Service.StateDir    = "/var/lib/pushcap"    -- cursors, manifests, schedule state
Service.LogDir      = "/var/log/pushcap"    -- serve.log, analytics_<schedule>.cur, push logs
Service.RingDir     = "/run/pushcap/ram"    -- where rings live: under the unit's RuntimeDirectory, tmpfs (RAM)
Service.RingMount   = "none"                -- the unit has no CAP_SYS_ADMIN to mount (docs/service.md)
Service.StopTimeout = 20                    -- seconds SIGTERM may take: open splits published, cursors saved

Service.Ring = {}
table.insert(Service.Ring, { Name = "pushcap", Size = "256m" })

Service.Capture = {}
table.insert(Service.Capture, { Interface = "default", Ring = "pushcap" })

Service.Recorder = {}
table.insert(Service.Recorder, { Ring = "pushcap", Store = "/var/lib/pushcap/store", MaxBytes = "20g", MinFree = "5g" })

Service.Schedule = {}
table.insert(Service.Schedule, { Loader = "push_pcap", Config = "/etc/pushcap/push_pcap.lua", Window = "always" })
table.insert(Service.Schedule, { Loader = "push_pcap_eod", Config = "/etc/pushcap/push_pcap_eod.lua",
                                 Once = "0 5 0 * * ?", Offline = { "day" } })
return Service
