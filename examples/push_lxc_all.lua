-- The seed's "Push to an LXC 24/7": every packet into a local ring another program reads
-- (bin/pushcap cat /tmp/pushcap-examples/queue/lxc_ring0 | tshark -r -).
local Config = {}

Config.Target = {}

-- push all pcap data to lxc ring buffer 0
table.insert(Config.Target,
{
    Desc      = "lxc-all",
    Mode      = "LXC",
    Path      = "/tmp/pushcap-examples/queue/lxc_ring0",
    FilterBPF = nil
})

return Config
