-- The seed's "Push to NFS Share with BPF Filter and HHMMSS Timezone": one UDP multicast group,
-- 1-minute splits, names with the local time and its UTC offset.
local Config = {}

Config.Target = {}

-- push all multicast port 10001 data to /tmp/pushcap-examples/remote0/push/udp-10001_*.pcap
table.insert(Config.Target, 
{
    Desc      = "udp-multicast-1001", 
    Mode      = "File", 
    Path      = "/tmp/pushcap-examples/remote0/push/udp-10001",   
    Split     = "--split-time 60e9", 
    FileName  = "--filename-tstr-HHMMSS_TZ", 
    FilterBPF = "multicast and port 10001" 
})

return Config
