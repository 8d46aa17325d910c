-- pushcap end-of-day push (loaded by analytics/push_pcap_eod): the whole day in 1 GB splits,
-- gzip-compressed in process, into a dated directory under ./out/eod.
-- Reference: docs/configuration.md. Validate with: bin/pushcap check etc/push_pcap_eod.lua

local Config = {}

Config.FollowStart = true     -- from the beginning of the source
Config.Target      = {}

table.insert(Config.Target,
{
    Desc       = "eod-all",
    Mode       = "File",
    Path       = os.date("out/eod/%Y%m%d/all"),
    Split      = "--split-byte 1e9",
    FileName   = "--filename-tstr-HHMMSS_SUB",
    Compress   = "gzip:1",
    FileSuffix = ".pcap.gz",
})

return Config
