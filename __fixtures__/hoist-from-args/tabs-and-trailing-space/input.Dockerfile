ARG	A=1   
	# comment with trailing tab	
FROM	$A:$B  
RUN	echo 	
