"""Every write to helpdesk data goes through a function here (see STYLE.md)."""
