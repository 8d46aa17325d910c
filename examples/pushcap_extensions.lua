-- pushcap's own keys beyond the appliance's (docs/configuration.md, "pushcap extensions"):
-- in-process compression, writing the decapsulated frame, a bandwidth cap, a per-target source
-- and ring timeout, keeping only the newest output (KeepFiles/KeepBytes), S3 multipart upload
-- (Mode S3) and re-transmission as a tap (Mode TAP).
local Config = {}

Config.TimeoutRing = 60e9
Config.Source      = "/tmp/pushcap-examples/rings/cap0"
Config.Target      = {}

-- in-process zstd with 2 worker threads; the file gets the frame after decapsulation; a ring
-- buffer of files: after each split the oldest all*.pcap.zst beyond 50 GB are deleted
table.insert(Config.Target,
{
    Desc       = "decap-zstd",
    Path       = "/tmp/pushcap-examples/local/decap/all",
    Split      = "--split-time 60e9",
    FileName   = "--filename-epoch-sec",
    Compress   = "zstd:3:2",
    WriteDecap = true,
    MaxMbps    = 800,
    KeepBytes  = "50GB",
})

-- straight to an S3 bucket on a local S3 server, multipart, path-style addressing
table.insert(Config.Target,
{
    Desc       = "s3-web",
    Mode       = "S3",
    Path       = "s3://pcap/sensor1/web",
    Split      = "--split-byte 256e6",
    FileName   = "--filename-tstr-HHMMSS_SUB",
    FilterBPF  = "tcp port 80 or tcp port 443",
    Compress   = "lz4",
    Endpoint   = "http://127.0.0.1:9000",
    Region     = "us-east-1",
    PathStyle  = true,
    KeepFiles  = 1000,   -- the newest 1000 objects under s3://pcap/sensor1/ named web_...
})

-- DNS re-transmitted to an IDS across a VXLAN tunnel, truncated and tagged
table.insert(Config.Target,
{
    Desc        = "tap-dns",
    Mode        = "TAP",
    Path        = "127.0.0.1",
    FilterBPF   = "udp port 53",
    Encap       = "vxlan",
    Key         = 42,
    Snaplen     = 1476,
    Vlan        = 100,
    TimeoutRing = 10e9,
    Source      = "/tmp/pushcap-examples/rings/cap1",
})

return Config
