"""Reading and writing the DarkMachines CSV event format."""
