"""Live Lab core: data, models, training generators and figures. No Streamlit in here."""
