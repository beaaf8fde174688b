ARG	A=1   
ARG B
	# comment with trailing tab	
FROM	$A:$B  
RUN	echo 	
