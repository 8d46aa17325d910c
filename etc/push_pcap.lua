-- pushcap default push configuration (the appliance's push_pcap.lua format).
-- One target: every packet, 1-minute splits, zstd-compressed in process (no external programs),
-- written under ./out relative to the directory pushcap runs in.
-- Reference: docs/configuration.md. Validate with: bin/pushcap check etc/push_pcap.lua

local Config = {}

Config.Decap       = true     -- BPF filters see the innermost packet (VLAN/MPLS/GRE/ERSPAN/VXLAN removed)
Config.FollowStart = false
Config.Target      = {}

table.insert(Config.Target,
{
    Desc       = "pcap-all",
    Mode       = "File",
    Path       = "out/pcap-all",
    Split      = "--split-time 60e9",
    FileName   = "--filename-tstr-HHMMSS",
    FilterBPF  = nil,
    Compress   = "zstd:1",
    FileSuffix = ".pcap.zst",
})

return Config
