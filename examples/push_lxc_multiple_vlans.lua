-- The seed's "Push to Multiple lxc_ring 24/7", kept as the seed has it: both targets filter
-- "vlan 1" (the second one was presumably meant to be "vlan 2"). With Decap on (the default)
-- the filter sees packets with their VLAN tags removed, so "vlan" matches nothing: pushcap
-- check prints a note; set Config.Decap = false to filter on the tags.
local Config = {}

Config.Target = {}

-- push vlan1 data to lxc ring buffer 0
table.insert(Config.Target,
{
    Desc      = "lxc-vlan0",
    Mode      = "LXC",
    Path      = "/tmp/pushcap-examples/queue/lxc_ring0",
    FilterBPF = "vlan 1"
})

-- push vlan2 data to lxc ring buffer 1
table.insert(Config.Target,
{
    Desc      = "lxc-vlan1",
    Mode      = "LXC",
    Path      = "/tmp/pushcap-examples/queue/lxc_ring1",
    FilterBPF = "vlan 1"
})

return Config
