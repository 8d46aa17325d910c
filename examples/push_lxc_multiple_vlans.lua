-- The seed's "Push to Multiple lxc_ring 24/7", kept as the seed has it: both targets filter
-- "vlan 1" (the second one was presumably meant to be "vlan 2"). A FilterBPF that names
-- encapsulation headers (vlan, mpls, pppoes, geneve) is matched against the frame as captured,
-- before Decap removes those headers, so "vlan 1" delivers exactly what tcpdump 'vlan 1' selects
-- although Decap stays on (docs/configuration.md, "Decap and filters on encapsulation headers").
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
