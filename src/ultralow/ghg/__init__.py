"""Greenhouse-gas accounting of the aluminium group: captive power, anode consumption and baking, PFCs
(slope and overvoltage, both coefficient sets), refining and mining fuels, Scope 2; CO2e per regime with its
GWP set; CBAM embedded emissions of unwrought aluminium. Every factor is data under ``data/``."""
