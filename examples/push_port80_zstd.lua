-- The seed's "1min Splits with BPF Filter and ZSTD compression" (zstd through PipeCmd).
-- The seed's Desc has a space: accepted; log files use "port80_zstd".
local Config = {}

Config.Target = {}

table.insert(Config.Target,
{
    Desc      = "port80 zstd",
    Mode      = "File",
    Path      = "/tmp/pushcap-examples/store0/tmp2/push/udp-10001",
    Split     = "--split-time 60e9",
    FileName  = "--filename-tstr-HHMMSS_TZ",
    FilterBPF = "port 80",
    PipeCmd   = "zstd -c",
    FileSuffix   = ".pcap.zstd",
})

return Config
