-- The seed's FileSuffix example: gzip 1-minute splits pushed to an S3 store through rclone.
-- "s3-fmad" is an rclone remote (etc/rclone.conf), e.g. an S3 server on localhost.
local Config = {}

Config.Target = {}

table.insert(Config.Target,
{
    Desc       = "pcap-all-gz",
    Mode       = "rclone",
    Path       = "s3-fmad://pcap/all",
    Split      = "--split-time 60e9",
    FileName   = "--filename-tstr-HHMMSS",
    FilterBPF  = nil,
    PipeCmd    = "gzip -c",
    FileSuffix = ".pcap.gz"
})

return Config
